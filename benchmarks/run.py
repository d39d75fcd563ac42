"""Speed and memory of pixelsim_fastai, each figure beside what a user would otherwise run, measured side
by side in one run. Prints one table and writes it to benchmarks/results.md with the machine it ran on.

    python benchmarks/run.py            # after `pip install -e .`; MNIST_SAMPLE comes from untar_data
"""
import os, sys, time, platform, subprocess, statistics, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, torch, fastai
from PIL import Image
from sklearn.neighbors import NearestCentroid
from fastai.vision.all import *
from pixelsim_fastai.all import *
from pixelsim_fastai.learner import _threads_beside, _n_workers

REPEATS = 5
rows = []  # (target, what, ours, comparison, ratio, note)

def median_time(f, n=REPEATS):
    "Median wall time of `n` calls of `f` (after one warm-up call)"
    f(); ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter()-t)
    return statistics.median(ts)

def loop(dl):
    "One plain pass over `dl`, the floor any use of the data pays"
    for _ in dl: pass

def add(target, what, ours, other, other_name, unit='s', note=''):
    rows.append((target, what, f"{ours:.4g} {unit}", f"{other:.4g} {unit} ({other_name})", f"{ours/other:.3f}", note))

class PhaseTimer(Callback):
    "Wall time of the training and validation phases of `fit`"
    order = 100
    def before_train(self): self.t = time.perf_counter()
    def after_train(self): self.train = time.perf_counter()-self.t
    def before_validate(self): self.t = time.perf_counter()
    def after_validate(self): self.valid = time.perf_counter()-self.t

# 1. fit and validate against one plain pass over the same loaders
path = untar_data(URLs.MNIST_SAMPLE)
dls = ImageDataLoaders.from_folder(path, train='train', valid='valid')
learn = TemplateLearner(dls, metrics=accuracy, cbs=PhaseTimer())
def fit():
    with learn.no_bar(), learn.no_logging(): learn.fit()
standard = dls.train.new(shuffle=False, drop_last=False)  # every training item once, through fastai's item pipeline
train_pass,valid_pass = one_pass_dl(dls.train),one_pass_dl(dls.valid)  # what fit and validate read
t_loop_standard,t_loop_valid_standard = median_time(lambda: loop(standard)),median_time(lambda: loop(dls.valid))
t_loop_train,t_loop_valid = median_time(lambda: loop(train_pass)),median_time(lambda: loop(valid_pass))
with _threads_beside(_n_workers(train_pass)): t_loop_train_free = median_time(lambda: loop(train_pass))
with _threads_beside(_n_workers(valid_pass)): t_loop_valid_free = median_time(lambda: loop(valid_pass))
phases = []
def fit_phases():
    fit(); phases.append((learn.phase_timer.train, learn.phase_timer.valid))
t_fit = median_time(fit_phases)
t_fit_train = statistics.median(p[0] for p in phases)
def validate():
    with learn.no_bar(): learn.validate()
t_validate = median_time(validate)
add('1', 'fit: training pass (MNIST_SAMPLE)', t_fit_train, t_loop_standard, 'plain loop over the training DataLoader, every item once')
add('1', 'fit: training pass (MNIST_SAMPLE)', t_fit_train, t_loop_train, 'plain loop over the loader fit reads, one_pass_dl(dls.train)')
add('1', 'fit: training pass (MNIST_SAMPLE)', t_fit_train, t_loop_train_free, "the same loop with fit's thread setting")
add('1', 'validate (MNIST_SAMPLE)', t_validate, t_loop_valid_standard, 'plain loop over the validation DataLoader')
add('1', 'validate (MNIST_SAMPLE)', t_validate, t_loop_valid, 'plain loop over the loader validate reads, one_pass_dl(dls.valid)')
add('1', 'validate (MNIST_SAMPLE)', t_validate, t_loop_valid_free, "the same loop with validate's thread setting")
add('1', 'fit: whole, with its validation', t_fit, t_loop_train+t_loop_valid, 'plain loops over the loaders it reads')
add('1', 'fit: whole, with its validation', t_fit, t_loop_train_free+t_loop_valid_free, "the same loops with fit's thread setting")

# 2. End to end, from the folder to validated templates, against the code a fastbook reader writes
def fastbook():
    stack = lambda folder: torch.stack([tensor(Image.open(o)) for o in folder.ls()]).float()/255
    mean3,mean7 = stack(path/'train'/'3').mean(0),stack(path/'train'/'7').mean(0)
    v3,v7 = stack(path/'valid'/'3'),stack(path/'valid'/'7')
    d = lambda a,b: (a-b).abs().mean((-1,-2))
    return ((d(v3, mean3) < d(v3, mean7)).sum() + (d(v7, mean7) < d(v7, mean3)).sum()).item()/(len(v3)+len(v7))

def end_to_end(**kw):
    "From the folder to the validation accuracy: `from_folder`, then `fit` (its own validation gives the accuracy)"
    dls = ImageDataLoaders.from_folder(path, train='train', valid='valid', **kw)
    learn = TemplateLearner(dls, metrics=accuracy)
    with learn.no_bar(), learn.no_logging(): learn.fit()
    return learn.recorder.values[-1][-1]

assert abs(fastbook() - end_to_end()) < 1e-6
t_fastbook = median_time(fastbook)
add('2', 'end to end: ImageDataLoaders defaults', median_time(end_to_end), t_fastbook, 'fastbook code')
add('2', 'end to end: num_workers=0', median_time(lambda: end_to_end(num_workers=0)), t_fastbook, 'fastbook code')
add('2', 'one pass over the training items (ImageFileReader)', t_loop_train, t_loop_standard, "fastai's item pipeline")

# 3. The distance kernel on tensors in memory, against scikit-learn's NearestCentroid.predict on the same arrays
def kernel_case(n, p, c, seed=0):
    g = torch.Generator().manual_seed(seed)
    x,t = torch.rand(n, p, generator=g),torch.rand(c, p, generator=g)
    for dist,metric in (('l1', 'manhattan'), ('mse', 'euclidean')):
        d = template_distance(x, t, dist)
        err = (d - broadcast_distance(x, t, dist)).abs().max().item()
        assert err < 1e-5, (dist, err)
        nc = NearestCentroid(metric=metric).fit(t.numpy(), np.arange(c))  # one item per class: the centroids are the templates
        xn = x.numpy()
        assert (nc.predict(xn) == d.argmin(1).numpy()).mean() > 0.999
        ours,theirs = median_time(lambda: template_distance(x, t, dist).argmin(1), 21),median_time(lambda: nc.predict(xn), 21)  # milliseconds: more runs
        add('3', f'kernel {dist}: {n} items x {c} classes x {p} px', ours, theirs, f'NearestCentroid({metric}).predict', note=f'max diff to broadcast {err:.1e}')
for n,p,c in ((2038, 784, 2), (2000, 784, 10), (256, 3*32*32, 1000)): kernel_case(n, p, c)

# 4. Peak extra memory of scoring one batch: 256 images of 3x128x128 against 1,000 templates, in a fresh process
MEM = '''
import os, sys, threading, time, torch
from pixelsim_fastai.core import template_distance, broadcast_distance
f = dict(template=template_distance, broadcast=broadcast_distance)[sys.argv[1]]
page = os.sysconf('SC_PAGE_SIZE')
def rss(): return int(open('/proc/self/statm').read().split()[1])*page
x,t = torch.empty(256, 3*128*128).uniform_(),torch.empty(1000, 3*128*128).uniform_()
f(x[:2], t[:2], 'l1')
base,peak,done = rss(),[0],[False]
def watch():
    while not done[0]: peak[0] = max(peak[0], rss()); time.sleep(0.0005)
w = threading.Thread(target=watch); w.start()
f(x, t, 'l1')
done[0] = True; w.join()
print((max(peak[0], rss()) - base)/2**20)
'''
def peak_mb(kind): return float(subprocess.run([sys.executable, '-c', MEM, kind], capture_output=True, text=True, check=True).stdout.split()[-1])
naive_mb = 256*1000*3*128*128*4/2**20
rows.append(('4', 'peak extra memory, 1,000 classes x 3x128x128, bs 256', f"{peak_mb('template'):.0f} MB",
             f"{peak_mb('broadcast'):.0f} MB (chunked broadcast), {naive_mb/1024:.0f} GB (whole broadcast)", '', 'target: under 256 MB'))

# 5. Scale: fit time and peak memory from 10^3 to 10^6 items (synthetic 1x8x8 images made per batch, 10 classes)
SCALE = '''
import resource, sys, time, torch, warnings
warnings.filterwarnings('ignore')
from fastai.data.all import *
from pixelsim_fastai.all import *
n = int(sys.argv[1])
def make(idxs):
    i = tensor(idxs)
    return torch.sin(i[:,None].float()*torch.linspace(0.01, 1, 64)).view(-1, 1, 8, 8), i % 10
dls = DataLoaders(DataLoader(range(n), bs=1024, create_batch=make), DataLoader(range(1000), bs=1024, create_batch=make))
learn = TemplateLearner(dls)
t = time.perf_counter()
with learn.no_bar(), learn.no_logging(): learn.fit()
print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)
'''
scale = {}
for n in (10**3, 10**4, 10**5, 10**6):
    out = subprocess.run([sys.executable, '-c', SCALE, str(n)], capture_output=True, text=True, check=True).stdout.split()
    scale[n] = tuple(map(float, out[-2:]))
for n,(t,mb) in scale.items():
    rows.append(('5', f'fit on {n:,} items', f"{t:.3g} s, {mb:.0f} MB peak", f"{t/n*1e6:.3g} us/item", '', ''))

# scoring time against items x classes x pixels
for n,c,p in ((256, 10, 784), (1024, 10, 784), (1024, 100, 784), (1024, 100, 3136), (1024, 1000, 3136)):
    x,t = torch.rand(n, p),torch.rand(c, p)
    for dist in ('l1', 'mse'):
        s = median_time(lambda: template_distance(x, t, dist))
        rows.append(('5', f'score {dist}: {n} x {c} x {p}', f"{s*1e3:.3g} ms", f"{s/(n*c*p)*1e12:.3g} ps per item-class-pixel", '', ''))

# The table
device = 'GPU: '+torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU only'
machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, fastai {fastai.__version__}, {device}"
head = ['target', 'what', 'pixelsim_fastai', 'comparison', 'ratio', 'note']
table = ['| ' + ' | '.join(head) + ' |', '|' + '---|'*len(head)] + ['| ' + ' | '.join(map(str, r)) + ' |' for r in rows]
text = f"Machine: {machine}. Times are medians of {REPEATS} runs after a warm-up (21 for the kernels of target 3).\n\n" + '\n'.join(table) + '\n'
print(text)
(Path(__file__).parent/'results.md').write_text('# Benchmark results\n\n`python benchmarks/run.py`, ' + time.strftime('%Y-%m-%d') + '.\n\n' + text)
