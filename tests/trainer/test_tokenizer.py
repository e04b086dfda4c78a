import gzip
import json
from pathlib import Path

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


OPENAI_BPE = Path(__file__).parent / "fixtures" / "openai-clip-bpe" / "bpe_simple_vocab_16e6.txt.gz"


@pytest.fixture(scope="module")
def openai_bpe():
    """OpenAI's own CLIP vocabulary (vendored from github.com/openai/CLIP, MIT; see fixtures/README.md)."""
    return ClipTokenizer.from_openai_gz(OPENAI_BPE)


def test_openai_vocabulary_gives_the_ids_others_recorded(openai_bpe):
    """Ids recorded by someone else: elixir-nx/bumblebee's clip_tokenizer_test.exs asserts these for
    the Hugging Face tokenizer of openai/clip-vit-base-patch32 (the same 49408-token vocabulary)."""
    assert len(openai_bpe.encoder) == 49408
    assert (openai_bpe.sot_token, openai_bpe.eot_token) == (49406, 49407)
    ids = openai_bpe.tokenize(["a photo of a cat", "a photo of a dog"], context_length=7)
    assert ids.tolist() == [[49406, 320, 1125, 539, 320, 2368, 49407],
                            [49406, 320, 1125, 539, 320, 1929, 49407]]


def test_openai_vocabulary_round_trips_every_whole_word_token(openai_bpe):
    checked = 0
    for token, i in openai_bpe.encoder.items():
        if not token.endswith("</w>"):
            continue
        text = openai_bpe.decode([i])
        if "\ufffd" in text or not text or text != text.strip() or text != text.lower():
            continue  # partial UTF-8 sequences and tokens no lower-cased text produces alone
        assert openai_bpe.encode(text) == [i], token
        checked += 1
    assert checked > 34000


def test_openai_vocabulary_encodes_the_zero_shot_prompts(openai_bpe):
    from edgeinspector_trainer.anomalyclip import ZERO_SHOT_STATES, ZERO_SHOT_TEMPLATES
    for states in ZERO_SHOT_STATES:
        for state in states:
            for template in ZERO_SHOT_TEMPLATES:
                text = template.format(state.format("object"))
                ids = openai_bpe.encode(text)
                assert openai_bpe.decode(ids).replace(" .", ".").replace(" - ", "-") == text
                assert len(ids) + 2 <= 77
