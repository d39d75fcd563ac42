"""The image folders of the speed benchmarks, made deterministically from data the project ships, in a cache outside the repo.

    digits70k():   70,000 grey 28x28 PNGs in ten class folders (60,000 in train/, 10,000 in valid/): MNIST_SAMPLE's 3s and 7s
                   as they are, and scikit-learn's 8x8 digits of the other eight classes, scaled to 20x20, shifted and flipped.
    photos_jpeg(): a few hundred JPEG photos of varying size in two class folders, random crops of scikit-learn's sample images.
    large_rgb():   400 RGB PNGs of 512x512 in two class folders (a seeded random image, rolled), for the memory of a pass over large images.
"""
import numpy as np
from pathlib import Path
from PIL import Image
from fastai.data.external import untar_data, URLs

PER_CLASS,TRAIN = 7000,6000

def _done(root:Path, n:int) -> bool:
    "Whether `root` was completely written with `n` files (a marker written last)"
    m = root/'.complete'
    return m.exists() and m.read_text() == str(n)

def _digit_variants(img8:list, n:int):
    "`n` 28x28 uint8 images from the 8x8 digits `img8`: each scaled to 20x20, then shifted by -3..3 pixels and flipped, variant by variant"
    big = [np.array(Image.fromarray((a*255/16).astype(np.uint8)).resize((20, 20), Image.BILINEAR)) for a in img8]
    for i in range(n):
        a,v = big[i % len(big)],i // len(big)
        dx,dy,flip = v%7-3,(v//7)%7-3,(v//49)%2
        out = np.zeros((28, 28), np.uint8)
        out[4+dy:24+dy, 4+dx:24+dx] = a[:, ::-1] if flip else a
        yield out

def digits70k() -> Path:
    "The 70,000-file folder (made on first use): train/ and valid/, each with class folders 0..9"
    mnist = untar_data(URLs.MNIST_SAMPLE)
    root = mnist.parent/'pixelsim_digits70k'
    if _done(root, 10*PER_CLASS): return root
    from sklearn.datasets import load_digits
    digits = load_digits()
    for c in range(10):
        if c in (3, 7): files = sorted((mnist/'train'/str(c)).ls()) + sorted((mnist/'valid'/str(c)).ls())
        imgs = ((np.array(Image.open(f)) for f in files[:PER_CLASS]) if c in (3, 7)
                else _digit_variants(digits.images[digits.target == c], PER_CLASS))
        for i,a in enumerate(imgs):
            d = root/('train' if i < TRAIN else 'valid')/str(c)
            d.mkdir(parents=True, exist_ok=True)
            Image.fromarray(a).save(d/f'{i:05d}.png')
    (root/'.complete').write_text(str(10*PER_CLASS))
    return root

def photos_jpeg(n_train:int=300, n_valid:int=100, seed:int=0) -> Path:
    "JPEG photos of random sizes (48 to 320 pixels a side), random crops of scikit-learn's two sample images, one class folder each"
    from sklearn.datasets import load_sample_images
    root = untar_data(URLs.MNIST_SAMPLE).parent/'pixelsim_photos_jpeg'
    if _done(root, n_train+n_valid): return root
    rng = np.random.default_rng(seed)
    sample = load_sample_images()
    for i in range(n_train+n_valid):
        c = i % 2
        img = sample.images[c]
        h,w = rng.integers(48, 321, 2)
        y,x = rng.integers(0, img.shape[0]-h), rng.integers(0, img.shape[1]-w)
        d = root/('train' if i < n_train else 'valid')/sample.filenames[c].split('/')[-1][:-4]
        d.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img[y:y+h, x:x+w]).save(d/f'{i:04d}.jpg', quality=90)
    (root/'.complete').write_text(str(n_train+n_valid))
    return root

def large_rgb(n_train:int=400, n_valid:int=20, seed:int=0) -> Path:
    "RGB PNGs of 512x512, `n_train` and `n_valid` split over two class folders: one seeded random image, rolled by each file's index (the content does not matter, the size does)"
    root = untar_data(URLs.MNIST_SAMPLE).parent/'pixelsim_large_rgb'
    if _done(root, n_train+n_valid): return root
    base = np.random.default_rng(seed).integers(0, 256, (512, 512, 3), dtype=np.uint8)
    for i in range(n_train+n_valid):
        d = root/('train' if i < n_train else 'valid')/'ab'[i % 2]
        d.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.roll(base, i, 0)).save(d/f'{i:04d}.png', compress_level=1)
    (root/'.complete').write_text(str(n_train+n_valid))
    return root
