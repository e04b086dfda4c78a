"""CLIP byte-level BPE tokenizer (same algorithm as OpenAI's simple_tokenizer).

Reads either Hugging Face `vocab.json` + `merges.txt` or OpenAI's `bpe_simple_vocab_16e6.txt.gz`.
Python's `re` has no \\p{L}; `[^\\W\\d_]` (letters) and `\\d` match the same classes for the
text CLIP prompts use. ftfy is not used: prompts are ASCII.
"""
import gzip
import html
import json
import re
from functools import lru_cache
from pathlib import Path

import torch

from .errors import TokenizerError

SOT, EOT = "<|startoftext|>", "<|endoftext|>"
_PATTERN = re.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+",
    re.IGNORECASE)


@lru_cache()
def bytes_to_unicode():
    """Map every byte to a printable unicode character, as in GPT-2/CLIP."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def _pairs(word):
    return {(word[i], word[i + 1]) for i in range(len(word) - 1)}


class ClipTokenizer:
    def __init__(self, encoder, merges, source="tokenizer"):
        self.encoder = encoder
        self.decoder = {v: k for k, v in encoder.items()}
        self.bpe_ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.cache = {SOT: SOT, EOT: EOT}
        for special in (SOT, EOT):
            if special not in encoder:
                raise TokenizerError(f"{source}: vocabulary lacks {special}; use the CLIP vocab files")
        self.sot_token, self.eot_token = encoder[SOT], encoder[EOT]

    @classmethod
    def from_hf(cls, vocab_path, merges_path):
        vocab_path, merges_path = Path(vocab_path), Path(merges_path)
        for p in (vocab_path, merges_path):
            if not p.is_file():
                raise TokenizerError(f"{p}: file not found; copy vocab.json and merges.txt from the "
                                     f"Hugging Face CLIP checkpoint next to config.json")
        try:
            encoder = json.loads(vocab_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise TokenizerError(f"{vocab_path}: not valid JSON ({e}); re-download vocab.json") from None
        lines = merges_path.read_text(encoding="utf-8").splitlines()
        if lines and lines[0].startswith("#version"):
            lines = lines[1:]
        return cls(encoder, cls._parse_merges(lines, merges_path), str(vocab_path))

    @classmethod
    def from_tokenizer_json(cls, path):
        """A Hugging Face fast-tokenizer file (tokenizer.json, BPE model): vocab and merges from
        its `model`; merges are "a b" strings or ["a", "b"] pairs depending on its version."""
        path = Path(path)
        try:
            model = json.loads(path.read_text(encoding="utf-8"))["model"]
            vocab, merges = model["vocab"], model["merges"]
        except json.JSONDecodeError as e:
            raise TokenizerError(f"{path}: not valid JSON ({e}); re-download tokenizer.json") from None
        except (KeyError, TypeError):
            raise TokenizerError(f"{path}: no BPE model (model.vocab, model.merges); use a CLIP tokenizer.json "
                                 f"or vocab.json + merges.txt") from None
        lines = [m if isinstance(m, str) else " ".join(m) for m in merges]
        return cls(vocab, cls._parse_merges(lines, path), str(path))

    @classmethod
    def from_openai_gz(cls, path):
        path = Path(path)
        if not path.is_file():
            raise TokenizerError(f"{path}: file not found; copy bpe_simple_vocab_16e6.txt.gz from the CLIP repo")
        try:
            lines = gzip.open(path, "rt", encoding="utf-8").read().split("\n")
        except OSError as e:
            raise TokenizerError(f"{path}: not a gzip file ({e}); re-download it") from None
        # OpenAI keeps exactly 49152-256-2 merges after the version line.
        merges = cls._parse_merges([l for l in lines[1:49152 - 256 - 2 + 1] if l.strip()], path)
        vocab = list(bytes_to_unicode().values())
        vocab = vocab + [v + "</w>" for v in vocab] + ["".join(m) for m in merges] + [SOT, EOT]
        return cls({v: i for i, v in enumerate(vocab)}, merges, str(path))

    @classmethod
    def from_dir(cls, directory):
        d = Path(directory)
        if (d / "vocab.json").is_file() or (d / "merges.txt").is_file():
            return cls.from_hf(d / "vocab.json", d / "merges.txt")
        if (d / "tokenizer.json").is_file():
            return cls.from_tokenizer_json(d / "tokenizer.json")
        if (d / "bpe_simple_vocab_16e6.txt.gz").is_file():
            return cls.from_openai_gz(d / "bpe_simple_vocab_16e6.txt.gz")
        raise TokenizerError(f"{d}: no tokenizer files; put vocab.json + merges.txt "
                             f"(or tokenizer.json, or bpe_simple_vocab_16e6.txt.gz) in this folder")

    @staticmethod
    def _parse_merges(lines, source):
        merges = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue  # a trailing blank line is not a merge
            parts = line.split()
            if len(parts) != 2:
                raise TokenizerError(f"{source}: merge line {n} {line!r} is not two symbols; re-download the file")
            merges.append(tuple(parts))
        return merges

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = _pairs(word)
        while pairs:
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = _pairs(word)
        out = " ".join(word)
        self.cache[token] = out
        return out

    def encode(self, text):
        text = re.sub(r"\s+", " ", html.unescape(html.unescape(text))).strip().lower()
        ids = []
        for token in _PATTERN.findall(text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            for piece in self.bpe(token).split(" "):
                if piece not in self.encoder:
                    raise TokenizerError(f"token {piece!r} of {text!r} is not in the vocabulary")
                ids.append(self.encoder[piece])
        return ids

    def decode(self, ids):
        text = "".join(self.decoder[i] for i in ids)
        byte_decoder = {v: k for k, v in self.byte_encoder.items()}
        return bytearray(byte_decoder[c] for c in text).decode("utf-8", errors="replace").replace("</w>", " ").strip()

    def tokenize(self, texts, context_length=77):
        """[len(texts), context_length] int64 ids: SOT, tokens, EOT, zero padding."""
        if isinstance(texts, str):
            texts = [texts]
        out = torch.zeros(len(texts), context_length, dtype=torch.long)
        for i, text in enumerate(texts):
            ids = [self.sot_token] + self.encode(text) + [self.eot_token]
            if len(ids) > context_length:
                raise TokenizerError(f"prompt {text!r} needs {len(ids)} tokens but the text tower "
                                     f"holds {context_length}; shorten it")
            out[i, :len(ids)] = torch.tensor(ids)
        return out
