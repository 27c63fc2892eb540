#!/usr/bin/env python3
"""Small SSD-Lite networks in the shape pytorch-ssd's exports take, exported by PyTorch's own ONNX
exporter at several opsets, with PyTorch's outputs as the reference (OnnxExportFormsTest).

The network is written here from the MobileNetV2 and SSDLite papers (not pytorch-ssd's code): a
stride-2 3x3 stem, inverted residual blocks (1x1 expansion, 3x3 depthwise, 1x1 projection,
shortcut when shapes allow), BatchNorm everywhere, ReLU6, two feature maps with depthwise-separable
box and class heads, heads flattened with permute + view(batch, -1, k) and concatenated, softmax
scores, and the boxes decoded in the graph against constant priors (center variance 0.1, size
variance 0.2) into corner form: the operators and patterns of `create_mobilenetv2_ssd_lite(...,
is_test=True)` exported with torch.onnx.export. Seeded weights and BatchNorm statistics.

Made with Debian's python3-torch 1.13: /usr/bin/python3 make_exports.py (in this folder).
"""
import torch, torch.nn as nn, numpy as np

torch.manual_seed(3)
K, A = 5, 3  # classes (background first), anchors per cell


def bn(c):
    b = nn.BatchNorm2d(c)
    b.running_mean.uniform_(-0.2, 0.2)
    b.running_var.uniform_(0.5, 1.5)
    b.weight.data.uniform_(0.5, 1.5)
    b.bias.data.uniform_(-0.2, 0.2)
    return b


class Inverted(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hid = cin * expand
        self.res = stride == 1 and cin == cout
        self.f = nn.Sequential(nn.Conv2d(cin, hid, 1, bias=False), bn(hid), nn.ReLU6(),
                               nn.Conv2d(hid, hid, 3, stride, 1, groups=hid, bias=False), bn(hid), nn.ReLU6(),
                               nn.Conv2d(hid, cout, 1, bias=False), bn(cout))

    def forward(self, x):
        return x + self.f(x) if self.res else self.f(x)


def separable(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cin, 3, 1, 1, groups=cin), bn(cin), nn.ReLU6(), nn.Conv2d(cin, cout, 1))


class TinySsdLite(nn.Module):
    def __init__(self, priors):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), bn(8), nn.ReLU6())
        self.a = nn.Sequential(Inverted(8, 8, 1, 1), Inverted(8, 12, 2, 4), Inverted(12, 12, 1, 4))
        self.b = nn.Sequential(Inverted(12, 16, 2, 4), Inverted(16, 16, 1, 4))
        self.cls = nn.ModuleList([separable(12, A * K), separable(16, A * K)])
        self.loc = nn.ModuleList([separable(12, A * 4), separable(16, A * 4)])
        self.register_buffer('priors', priors)

    def forward(self, x):
        f1 = self.a(self.stem(x))
        f2 = self.b(f1)
        conf, loc = [], []
        for f, c, l in ((f1, self.cls[0], self.loc[0]), (f2, self.cls[1], self.loc[1])):
            conf.append(c(f).permute(0, 2, 3, 1).contiguous().view(f.size(0), -1, K))
            loc.append(l(f).permute(0, 2, 3, 1).contiguous().view(f.size(0), -1, 4))
        scores = torch.softmax(torch.cat(conf, 1), dim=2)
        l = torch.cat(loc, 1)
        p = self.priors
        c = torch.cat([l[..., :2] * 0.1 * p[..., 2:] + p[..., :2], torch.exp(l[..., 2:] * 0.2) * p[..., 2:]], dim=l.dim() - 1)
        boxes = torch.cat([c[..., :2] - c[..., 2:] / 2, c[..., :2] + c[..., 2:] / 2], c.dim() - 1)
        return scores, boxes


def priors(size):
    out = []
    for fm in (size // 4, size // 8):
        for y in range(fm):
            for x in range(fm):
                for s in (0.2, 0.35, 0.5):
                    out.append([(x + 0.5) / fm, (y + 0.5) / fm, s * (fm / size * 8) ** 0.5, s])
    return torch.tensor(out, dtype=torch.float32).clamp(0, 1)


size = 64
m = TinySsdLite(priors(size)).eval()
for mod in m.modules():
    if isinstance(mod, nn.Conv2d):
        nn.init.kaiming_normal_(mod.weight)
x = torch.from_numpy(np.random.RandomState(5).uniform(-1, 1, (1, 3, size, size)).astype(np.float32))
with torch.no_grad():
    s, b = m(x)
np.save('input.npy', x.numpy())
np.save('scores.npy', s.numpy()[0])
np.save('boxes.npy', b.numpy()[0])
for opset in (11, 13, 15, 17):
    torch.onnx.export(m, x, f'tiny-ssdlite-opset{opset}.onnx', opset_version=opset, input_names=['input_0'],
                      output_names=['scores', 'boxes'])
# a batch dimension left symbolic, as some exports do
torch.onnx.export(m, x, 'tiny-ssdlite-opset17-dynamic.onnx', opset_version=17, input_names=['input_0'],
                  output_names=['scores', 'boxes'], dynamic_axes={'input_0': {0: 'batch'}, 'scores': {0: 'batch'}, 'boxes': {0: 'batch'}})
print('wrote', s.shape, b.shape)
