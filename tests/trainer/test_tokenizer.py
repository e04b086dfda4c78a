import gzip
import json

import pytest

from edgeinspector_trainer.errors import TokenizerError
from edgeinspector_trainer.tokenizer import EOT, SOT, ClipTokenizer, bytes_to_unicode

MERGES = [("h", "i</w>"), ("l", "o"), ("lo", "w</w>")]


@pytest.fixture()
def small_vocab(tmp_path):
    """CLIP layout: 256 bytes (0..255), bytes+</w> (256..511), merges (512..514), SOT 515, EOT 516."""
    base = list(bytes_to_unicode().values())
    tokens = base + [b + "</w>" for b in base] + ["".join(m) for m in MERGES] + [SOT, EOT]
    (tmp_path / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (tmp_path / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in MERGES))
    with gzip.open(tmp_path / "bpe_simple_vocab_16e6.txt.gz", "wt") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in MERGES))
    return tmp_path


def test_known_ids(small_vocab):
    tok = ClipTokenizer.from_dir(small_vocab)
    assert (tok.sot_token, tok.eot_token) == (515, 516)
    # "hi" -> merge 0 (512); "low" -> lo (513) then low</w> (514); "!" -> "!</w>" = 256 + index of "!" (0)
    assert tok.encode("hi") == [512]
    assert tok.encode("Low") == [514]
    assert tok.encode("hi low!") == [512, 514, 256]
    # "lx": no merge applies -> "l" (byte index 108-33) and "x</w>" (256 + 120-33)
    assert tok.encode("lx") == [75, 343]
    ids = tok.tokenize(["hi   low"], context_length=6)
    assert ids.tolist() == [[515, 512, 514, 516, 0, 0]]
    assert tok.decode([512, 514]) == "hi low"


def test_openai_gz_matches_hf_files(small_vocab):
    gz = ClipTokenizer.from_openai_gz(small_vocab / "bpe_simple_vocab_16e6.txt.gz")
    hf = ClipTokenizer.from_hf(small_vocab / "vocab.json", small_vocab / "merges.txt")
    for text in ("hi low!", "hello world 42", "a_b c's"):
        assert gz.encode(text) == hf.encode(text)


def test_tiny_clip_prompts_are_single_tokens(tiny_clip):
    _, tok = tiny_clip
    ids = tok.encode("damaged object.")
    assert len(ids) == 3 and tok.decode(ids) == "damaged object ."


def test_too_long_prompt(small_vocab):
    tok = ClipTokenizer.from_dir(small_vocab)
    with pytest.raises(TokenizerError, match="needs 7 tokens"):
        tok.tokenize("hi hi hi hi hi", context_length=5)


def test_missing_and_corrupt_files(tmp_path, small_vocab):
    with pytest.raises(TokenizerError, match="vocab.json"):
        ClipTokenizer.from_dir(tmp_path / "empty")
    (small_vocab / "merges.txt").write_text("#version: 0.2\nbad line here\n")
    with pytest.raises(TokenizerError, match="merge line 1"):
        ClipTokenizer.from_dir(small_vocab)
