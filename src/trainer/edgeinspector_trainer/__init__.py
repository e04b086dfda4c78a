"""EdgeInspector trainer: AnomalyCLIP prompt learning, few-shot memory and ONNX model packages."""

__version__ = "0.1.0"
