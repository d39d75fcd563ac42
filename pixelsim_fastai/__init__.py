import warnings
# fastai's own modules call `torch.jit.script` as they import, which torch 2.14 deprecates: a warning nobody using this package can act on
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
