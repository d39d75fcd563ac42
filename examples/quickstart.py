"The README's quick start as a script: fastbook's pixel-similarity baseline on MNIST_SAMPLE, both distances."
from fastai.vision.all import *
from pixelsim_fastai.all import *

path = untar_data(URLs.MNIST_SAMPLE)
dls = ImageDataLoaders.from_folder(path, train='train', valid='valid')
for dist in ('l1', 'mse'):
    learn = TemplateLearner(dls, dist=dist, metrics=accuracy)
    learn.fit()
    preds,targs = learn.get_preds()
    correct = [((preds.argmax(1) == targs) & (targs == c)).sum().item() for c in range(len(dls.vocab))]
    totals = [(targs == c).sum().item() for c in range(len(dls.vocab))]
    print(f"{dist}: " + ", ".join(f"{v}s {k}/{n}" for v,k,n in zip(dls.vocab, correct, totals)) +
          f", accuracy {sum(correct)/len(targs):.4f} ({sum(correct)}/{len(targs)})")
learn.show_templates(figsize=(4, 2))
plt.savefig('templates.png')
print('Wrote templates.png: the mean 3 and the mean 7.')
