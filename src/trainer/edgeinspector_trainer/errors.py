"""Exception types. Every message names the file involved and how to fix it."""


class TrainerError(Exception):
    """Base class for errors the CLI reports as one line instead of a traceback."""


class CheckpointError(TrainerError):
    """A CLIP checkpoint (config, weights, tokenizer files) is missing, corrupt or inconsistent."""


class SafetensorsError(CheckpointError):
    """A .safetensors file cannot be parsed."""


class TokenizerError(TrainerError):
    """Tokenizer files are missing or malformed, or a prompt does not fit."""


class DatasetError(TrainerError):
    """The dataset layout, an image, a mask or a label record is unusable."""


class DatasetIntegrityError(DatasetError):
    """A dataset file no longer matches the SHA-256 recorded by hash-dataset."""


class ExportError(TrainerError):
    """An ONNX model or package cannot be written as the contract requires."""
