#!/usr/bin/env python3
"""Make DSCFlow's .tflite test fixtures: small random-weight int8 models and every op's reference output.

Usage:
    python tools/make_fixtures.py                      # (re)write Tests/DSCFlowTests/Fixtures/tflite
    python tools/make_fixtures.py --only conv_dilated  # just some models (names or fnmatch patterns)
    python tools/make_fixtures.py --check-only         # verify the stored fixtures, write nothing
    python tools/make_fixtures.py --list               # print the model names and descriptions

Requirements: tools/requirements.txt (TensorFlow for the converter; ai-edge-litert and tflite-micro for the
reference interpreters). The script runs TensorFlow on one thread.

What it does, for each model in MODELS below:
  1. Builds a small Keras model, fills every weight with seeded random values (tflite_oracle.randomize_weights),
     and converts it to a fully-int8 .tflite with tf.lite.TFLiteConverter: Optimize.DEFAULT, a representative
     dataset of random arrays, supported_ops = [TFLITE_BUILTINS_INT8], int8 input and output.
  2. Refuses the model if the converter emitted an op DSCFlow does not import (QUANTIZE, DEQUANTIZE, float
     ops, ...) or a tensor that is not int8 between ops.
  3. Makes three inputs: `rand0`, `rand1` (uniform random int8) and one extreme input, `min` (all -128) or
     `max` (all 127), alternating from model to model.
  4. Runs each input through TensorFlow Lite Micro (kPreserveAllTensors) and LiteRT's reference kernels
     (OpResolverType.BUILTIN_REF, experimental_preserve_all_tensors) and compares every op's output bit for
     bit. They must agree, except that once a FULLY_CONNECTED op differs, everything from there on may
     differ: LiteRT's reference FC requantizes in double precision, TFLM uses the fixed-point
     MultiplyByQuantizedMultiplier like every other kernel. TFLM is the authority; the files hold its values.
  5. Writes (this layout is what the Swift tests read):
       <out>/<model>/model.tflite
       <out>/<model>/<case>/input.bin              raw input tensor bytes (int8, NHWC, C order)
       <out>/<model>/<case>/opNNN_<OPNAME>.bin     first output tensor of op NNN (000 = first in the
                                                   subgraph's operator list = execution order), TFLM's values
       <out>/<model>/<case>/output.bin             the model output tensor
       <out>/<model>/<case>/manifest.tsv           header + one line per file: file, op_index, op_name,
                                                   tensor_name, dtype, shape, scale, zero_point (the same
                                                   columns as shared/goldens; scale is repr() of the float32)
       <out>/INDEX.tsv                             one line per model, no header: name <TAB> ops used
                                                   (comma list, order of first use) <TAB> description
       <out>/README.md                             the same, plus every op's shape and options

Everything is seeded (--seed, default 1, mixed with each model's name), so a regeneration on the same
software versions gives the same models and files; with other TensorFlow versions the converter may choose
other scales. That does not matter: the stored models and their goldens are the fixtures, and --check-only
re-runs both interpreters on the stored models and inputs and verifies every stored byte.
"""
import argparse
import fnmatch
import os
import shutil
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_oracle as oracle  # noqa: E402

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, 'Tests', 'DSCFlowTests', 'Fixtures', 'tflite')
MAX_MODEL_BYTES = 64 * 1024


# --------------------------------------------------------------------------------------------------
# Layer helpers (TensorFlow is imported lazily, so --help and --check-only do not need it)

class K:
    """Lazy access to keras.layers plus the few custom layers the fixtures need."""
    _cache = {}

    def __getattr__(self, name):
        return getattr(oracle.keras().layers, name)

    @staticmethod
    def custom(kind, **kw):
        if kind not in K._cache:
            K._cache[kind] = _make_custom_layer(kind)
        return K._cache[kind](**kw)


def _make_custom_layer(kind):
    keras = oracle.keras()
    tf = oracle.tensorflow()

    if kind == 'space_to_depth':
        class SpaceToDepth(keras.layers.Layer):
            def __init__(self, block=2, **kw):
                super().__init__(**kw)
                self.block = block

            def call(self, x):
                return tf.nn.space_to_depth(x, self.block)
        return SpaceToDepth
    if kind == 'pad_constant':
        class PadConstant(keras.layers.Layer):
            def __init__(self, paddings, value, **kw):
                super().__init__(**kw)
                self.paddings, self.value = paddings, value

            def call(self, x):
                return tf.pad(x, self.paddings, constant_values=self.value)
        return PadConstant
    if kind == 'mean':
        class Mean(keras.layers.Layer):
            def __init__(self, axis, keepdims, **kw):
                super().__init__(**kw)
                self.axis, self.keepdims = axis, keepdims

            def call(self, x):
                return tf.reduce_mean(x, axis=self.axis, keepdims=self.keepdims)
        return Mean
    raise ValueError(kind)


L = K()


def conv_bn(x, filters, kernel, strides=1, padding='same', act='relu6', **kw):
    x = L.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, **kw)(x)
    x = L.BatchNormalization()(x)
    return L.ReLU(6.0)(x) if act == 'relu6' else L.ReLU()(x) if act == 'relu' else x


def dw_bn(x, kernel=3, strides=1, padding='same', act='relu6', depth_multiplier=1):
    x = L.DepthwiseConv2D(kernel, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                          use_bias=False)(x)
    x = L.BatchNormalization()(x)
    return L.ReLU(6.0)(x) if act == 'relu6' else L.ReLU()(x) if act == 'relu' else x


def dsc(x, filters, strides=1, act='relu6', keras_padding=False):
    """Depthwise-separable block: DW3x3 + BN + act, PW1x1 + BN + act. With keras_padding, a stride-2
    block pads ((0,1),(0,1)) and runs a VALID depthwise, like keras.applications.MobileNet."""
    if keras_padding and strides == 2:
        x = L.ZeroPadding2D(((0, 1), (0, 1)))(x)
        x = dw_bn(x, 3, 2, 'valid', act)
    else:
        x = dw_bn(x, 3, strides, 'same', act)
    return conv_bn(x, filters, 1, act=act)


# --------------------------------------------------------------------------------------------------
# The fixture models

MODELS = []


def fixture(name, shape, description, input_range=(-1.0, 1.0), extra_ops=(), converter=None):
    """Register a model builder: f(x) -> output tensor, for a Keras input x of `shape` (batch 1).

    input_range: the float range of the calibration data (sets the input scale and zero point);
    extra_ops: ops beyond oracle.SUPPORTED_OPS this model may contain; converter: extra converter attributes.
    """
    def deco(f):
        MODELS.append(dict(name=name, shape=tuple(shape), description=description, build=f,
                           input_range=input_range, extra_ops=frozenset(extra_ops), converter=converter or {}))
        return f
    return deco


PER_TENSOR = {'_experimental_disable_per_channel': True}
PER_TENSOR_DENSE = {'_experimental_disable_per_channel_quantization_for_dense_layers': True}


# CONV_2D ------------------------------------------------------------------------------------------

@fixture('conv_1x1_relu', (1, 7, 9, 3), 'pointwise conv on an odd 7x9 image input (zero point -128) + ReLU, '
         'then pointwise stride 2', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(8, 1, activation='relu')(x)
    return L.Conv2D(4, 1, strides=2)(x)


@fixture('conv_3x3_same_relu6', (1, 9, 9, 3), '3x3 SAME stride 1 conv + ReLU6, then 3x3 SAME conv without activation')
def _(x):
    x = L.Conv2D(8, 3, padding='same', activation='relu6')(x)
    return L.Conv2D(4, 3, padding='same')(x)


@fixture('conv_3x3_valid_s2_even', (1, 10, 12, 4), '3x3 VALID stride 2 on an even 10x12 input, no activation',
         input_range=(-2.0, 3.0))
def _(x):
    return L.Conv2D(6, 3, strides=2, padding='valid')(x)


@fixture('conv_3x3_same_s2_odd', (1, 11, 11, 2), '3x3 SAME stride 2 on an odd 11x11 input + ReLU, then 2x2 VALID '
         'stride 2 (even kernel)')
def _(x):
    x = L.Conv2D(8, 3, strides=2, padding='same', activation='relu')(x)
    return L.Conv2D(4, 2, strides=2, padding='valid')(x)


@fixture('conv_5x5_same_s2_even', (1, 16, 16, 3), '5x5 SAME stride 2 on an even 16x16 input + ReLU6, '
         'then 4x4 SAME stride 1 (even kernel, asymmetric padding)', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(6, 5, strides=2, padding='same', activation='relu6')(x)
    return L.Conv2D(4, 4, padding='same')(x)


@fixture('conv_nonsquare', (1, 20, 12, 2), 'non-square kernels and strides: 3x1 SAME + ReLU, 1x5 VALID '
         'stride (2,1), 10x4 VALID')
def _(x):
    x = L.Conv2D(4, (3, 1), padding='same', activation='relu')(x)
    x = L.Conv2D(6, (1, 5), strides=(2, 1), padding='valid')(x)
    return L.Conv2D(3, (10, 4), padding='valid')(x)


@fixture('conv_10x4_same_s2', (1, 14, 9, 3), '10x4 SAME stride 2 (large asymmetric padding) + ReLU6, then 1x3 '
         'SAME stride (1,2)')
def _(x):
    x = L.Conv2D(5, (10, 4), strides=2, padding='same', activation='relu6')(x)
    return L.Conv2D(4, (1, 3), strides=(1, 2), padding='same')(x)


@fixture('conv_dilated', (1, 13, 12, 3), '3x3 dilation 2 SAME + ReLU, then 3x3 dilation 2 VALID, then 2x3 '
         'dilation (2,1) SAME')
def _(x):
    x = L.Conv2D(6, 3, dilation_rate=2, padding='same', activation='relu')(x)
    x = L.Conv2D(4, 3, dilation_rate=2, padding='valid')(x)
    return L.Conv2D(4, (2, 3), dilation_rate=(2, 1), padding='same')(x)


@fixture('conv_grouped', (1, 8, 9, 8), 'grouped convs: 3x3 SAME groups=2 + ReLU, 1x1 groups=4')
def _(x):
    x = L.Conv2D(8, 3, padding='same', groups=2, activation='relu')(x)
    return L.Conv2D(8, 1, groups=4)(x)


@fixture('conv_wide_odd_channels', (1, 5, 6, 17), 'odd channel counts (17 -> 33 -> 33 -> 19): pointwise + ReLU6, '
         'depthwise 3x3 SAME, pointwise')
def _(x):
    x = L.Conv2D(33, 1, activation='relu6')(x)
    x = L.DepthwiseConv2D(3, padding='same')(x)
    return L.Conv2D(19, 1)(x)


@fixture('per_tensor_weights', (1, 9, 8, 3), 'per-tensor weight scales (converter flag '
         '_experimental_disable_per_channel): conv 3x3 s2 + ReLU6, depthwise 3x3 dm 2, pointwise, GAP, FC',
         converter=PER_TENSOR)
def _(x):
    x = L.Conv2D(8, 3, strides=2, padding='same', activation='relu6')(x)
    x = L.DepthwiseConv2D(3, padding='same', depth_multiplier=2, activation='relu')(x)
    x = L.Conv2D(12, 1)(x)
    x = L.GlobalAveragePooling2D()(x)
    return L.Dense(5)(x)


# DEPTHWISE_CONV_2D --------------------------------------------------------------------------------

@fixture('dw_dm1', (1, 9, 9, 4), 'depthwise 3x3 SAME stride 1 + ReLU6, then 3x3 VALID without activation')
def _(x):
    x = L.DepthwiseConv2D(3, padding='same', activation='relu6')(x)
    return L.DepthwiseConv2D(3, padding='valid')(x)


@fixture('dw_dm2_s2_valid', (1, 10, 11, 3), 'depthwise 3x3 VALID stride 2 depth multiplier 2 + ReLU, then 3x3 '
         'SAME stride 2', input_range=(-3.0, 1.0))
def _(x):
    x = L.DepthwiseConv2D(3, strides=2, padding='valid', depth_multiplier=2, activation='relu')(x)
    return L.DepthwiseConv2D(3, strides=2, padding='same')(x)


@fixture('dw_dm1_1ch', (1, 8, 7, 1), 'depthwise on a 1-channel input, depth multiplier 1, 3x3 SAME + ReLU, then '
         'depth multiplier 2, 3x3 VALID stride 2', input_range=(0.0, 1.0))
def _(x):
    x = L.DepthwiseConv2D(3, padding='same', activation='relu')(x)
    return L.DepthwiseConv2D(3, strides=2, padding='valid', depth_multiplier=2)(x)


@fixture('dw_dm4_1ch_s2_same', (1, 11, 11, 1), 'depthwise on a 1-channel input, depth multiplier 4, 3x3 SAME '
         'stride 2 (odd size) + ReLU6', input_range=(0.0, 1.0))
def _(x):
    return L.DepthwiseConv2D(3, strides=2, padding='same', depth_multiplier=4, activation='relu6')(x)


@fixture('dw_dm8_1ch', (1, 12, 12, 1), 'depthwise on a 1-channel input, depth multiplier 8, 3x3 SAME stride 1 + '
         'ReLU, then depthwise 5x5 VALID stride 2')
def _(x):
    x = L.DepthwiseConv2D(3, padding='same', depth_multiplier=8, activation='relu')(x)
    return L.DepthwiseConv2D(5, strides=2, padding='valid')(x)


@fixture('dw_dm8_1ch_s2_valid', (1, 9, 10, 1), 'depthwise on a 1-channel input, depth multiplier 8, 3x3 VALID '
         'stride 2, no activation')
def _(x):
    return L.DepthwiseConv2D(3, strides=2, padding='valid', depth_multiplier=8)(x)


@fixture('dw_nonsquare_dilated', (1, 14, 13, 4), 'depthwise 3x1 SAME + ReLU, 1x5 dilation 2 SAME, 3x3 dilation 2 '
         'VALID, 5x5 SAME stride 2 + ReLU6')
def _(x):
    x = L.DepthwiseConv2D((3, 1), padding='same', activation='relu')(x)
    x = L.DepthwiseConv2D((1, 5), dilation_rate=2, padding='same')(x)
    x = L.DepthwiseConv2D(3, dilation_rate=2, padding='valid')(x)
    return L.DepthwiseConv2D(5, strides=2, padding='same', activation='relu6')(x)


# FULLY_CONNECTED ---------------------------------------------------------------------------------

@fixture('fc_relu_stack', (1, 32), 'two fully connected layers with bias: 32->16 + ReLU, 16->8',
         input_range=(-2.0, 2.0))
def _(x):
    x = L.Dense(16, activation='relu')(x)
    return L.Dense(8)(x)


@fixture('fc_no_bias', (1, 24), 'fully connected without bias: 24->12 + ReLU6, 12->6')
def _(x):
    x = L.Dense(12, use_bias=False, activation='relu6')(x)
    return L.Dense(6, use_bias=False)(x)


@fixture('fc_per_tensor', (1, 40), 'fully connected with per-tensor weight scales (converter flag '
         '_experimental_disable_per_channel_quantization_for_dense_layers, as in older converters): 40->16 + ReLU, '
         '16->10, softmax', input_range=(-3.0, 3.0), converter=PER_TENSOR_DENSE)
def _(x):
    x = L.Dense(16, activation='relu')(x)
    x = L.Dense(10)(x)
    return L.Softmax()(x)


@fixture('fc_keep_num_dims_4d', (1, 5, 5, 4), 'Dense on a 4-D tensor: FULLY_CONNECTED with keep_num_dims '
         '(1x5x5x4 -> 1x5x5x6) + ReLU')
def _(x):
    return L.Dense(6, activation='relu')(x)


@fixture('fc_keep_num_dims_3d', (1, 7, 12), 'Dense on a 3-D tensor (1x7x12 -> 1x7x5), keep_num_dims')
def _(x):
    return L.Dense(5)(x)


@fixture('fc_flatten_softmax', (1, 6, 6, 3), 'conv 3x3 SAME stride 2 + ReLU, Flatten (RESHAPE), Dense 10, '
         'softmax', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(4, 3, strides=2, padding='same', activation='relu')(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    return L.Softmax()(x)


# Pools --------------------------------------------------------------------------------------------

@fixture('avgpool_variants', (1, 13, 13, 4), 'average pools: 3x3 SAME stride 2 (clipped edge windows), 2x2 '
         'VALID stride 1, 2x3 VALID stride (2,3)')
def _(x):
    x = L.AveragePooling2D(3, strides=2, padding='same')(x)
    x = L.AveragePooling2D(2, strides=1, padding='valid')(x)
    return L.AveragePooling2D((2, 3), strides=(2, 3), padding='valid')(x)


@fixture('maxpool_variants', (1, 13, 12, 4), 'max pools: 2x2 VALID stride 2 on odd height, 3x3 SAME stride 1, '
         '3x2 SAME stride (2,1)', input_range=(-1.0, 2.0))
def _(x):
    x = L.MaxPooling2D(2, padding='valid')(x)
    x = L.MaxPooling2D(3, strides=1, padding='same')(x)
    return L.MaxPooling2D((3, 2), strides=(2, 1), padding='same')(x)


@fixture('conv_pool_mix', (1, 12, 10, 3), 'conv 3x3 + ReLU, maxpool 2x2 SAME stride 2 on even size, conv 1x1, '
         'avgpool 3x3 SAME stride 2 on odd size', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(8, 3, padding='same', activation='relu')(x)
    x = L.MaxPooling2D(2, padding='same')(x)
    x = L.Conv2D(6, 1)(x)
    return L.AveragePooling2D(3, strides=2, padding='same')(x)


# MEAN ---------------------------------------------------------------------------------------------

@fixture('mean_gap', (1, 7, 7, 3), 'conv 1x1 + ReLU, GlobalAveragePooling2D (MEAN axes [1,2], keep_dims false)')
def _(x):
    x = L.Conv2D(8, 1, activation='relu')(x)
    return L.GlobalAveragePooling2D()(x)


@fixture('mean_gap_keepdims', (1, 8, 6, 3), 'conv 3x3 SAME, GlobalAveragePooling2D(keepdims=True) (MEAN axes '
         '[1,2], keep_dims true)')
def _(x):
    x = L.Conv2D(8, 3, padding='same')(x)
    return L.GlobalAveragePooling2D(keepdims=True)(x)


@fixture('mean_axis1', (1, 5, 6, 4), 'conv 1x1, reduce_mean over axis 1 only (keep_dims false): 1x5x6x8 -> 1x6x8')
def _(x):
    x = L.Conv2D(8, 1)(x)
    return L.custom('mean', axis=1, keepdims=False)(x)


@fixture('mean_axis2_keepdims', (1, 6, 9, 4), 'conv 1x1 + ReLU6, reduce_mean over axis 2 only (keep_dims true): '
         '1x6x9x5 -> 1x6x1x5', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(5, 1, activation='relu6')(x)
    return L.custom('mean', axis=2, keepdims=True)(x)


# ADD ----------------------------------------------------------------------------------------------

@fixture('add_same_shape', (1, 8, 8, 4), 'two conv branches (3x3 SAME; 1x1 + ReLU) added, ReLU after the add')
def _(x):
    a = L.Conv2D(4, 3, padding='same')(x)
    b = L.Conv2D(4, 1, activation='relu')(x)
    return L.ReLU()(L.Add()([a, b]))


@fixture('add_broadcast', (1, 6, 7, 4), 'broadcasting adds: 1x6x7x4 + the channel mean (MEAN keep_dims, '
         'RESHAPE to [4]); + the row mean 1x1x7x4 (MEAN axis 1 keep_dims)')
def _(x):
    a = L.Conv2D(4, 1)(x)
    g = L.GlobalAveragePooling2D(keepdims=True)(a)
    y = L.Add()([a, g])
    r = L.custom('mean', axis=1, keepdims=True)(y)
    return L.Add()([y, r])


@fixture('residual_blocks', (1, 8, 8, 8), 'two MobileNetV2-style residual blocks: DW3x3+BN+ReLU6, PW1x1+BN, '
         'add the block input')
def _(x):
    for _ in range(2):
        y = dw_bn(x, 3, 1, 'same', 'relu6')
        y = conv_bn(y, 8, 1, act=None)
        x = L.Add()([x, y])
    return x


# CONCATENATION ------------------------------------------------------------------------------------

@fixture('concat_relu_linear', (1, 8, 8, 3), 'channel concat of a ReLU branch (1x1 conv + ReLU layer), a linear '
         'branch (3x3 conv) and a ReLU6 branch (3x3 dw)', input_range=(0.0, 1.0))
def _(x):
    a = L.ReLU()(L.Conv2D(4, 1)(x))
    b = L.Conv2D(4, 3, padding='same')(x)
    c = L.DepthwiseConv2D(3, padding='same', activation='relu6')(x)
    return L.Concatenate()([a, b, c])


@fixture('concat_axes', (1, 6, 5, 3), 'concat along height (axis 1) and along width (axis 2)')
def _(x):
    a = L.Conv2D(4, 1)(x)
    b = L.Conv2D(4, 3, padding='same', activation='relu')(x)
    h = L.Concatenate(axis=1)([a, b])                      # 1x12x5x4
    return L.Concatenate(axis=2)([h, L.Conv2D(4, 1)(h)])   # 1x12x10x4


# PAD, RESHAPE, SPACE_TO_DEPTH, SOFTMAX -----------------------------------------------------------

@fixture('zero_pad', (1, 7, 8, 3), 'ZeroPadding2D ((1,2),(0,1)) on the image input (zero point -128), conv 3x3 VALID + '
         'ReLU, ZeroPadding2D 1, conv 3x3 VALID stride 2', input_range=(0.0, 1.0))
def _(x):
    x = L.ZeroPadding2D(((1, 2), (0, 1)))(x)
    x = L.Conv2D(6, 3, padding='valid', activation='relu')(x)
    x = L.ZeroPadding2D(1)(x)
    return L.Conv2D(4, 3, strides=2, padding='valid')(x)


@fixture('pad_constant', (1, 6, 6, 3), 'tf.pad with constant_values=0.5 (PADV2: the value is quantized into the '
         'output scale), conv 3x3 VALID', extra_ops={'PADV2'})
def _(x):
    x = L.Conv2D(4, 1)(x)
    x = L.custom('pad_constant', paddings=[[0, 0], [1, 2], [2, 1], [0, 0]], value=0.5)(x)
    return L.Conv2D(4, 3, padding='valid')(x)


@fixture('space_to_depth', (1, 8, 12, 3), 'conv 3x3 + ReLU, space_to_depth block 2 (1x8x12x4 -> 1x4x6x16), '
         'conv 1x1, Reshape to 1x8x6x4, conv 3x3', input_range=(0.0, 1.0))
def _(x):
    x = L.Conv2D(4, 3, padding='same', activation='relu')(x)
    x = L.custom('space_to_depth', block=2)(x)
    x = L.Conv2D(8, 1)(x)
    x = L.Reshape((8, 6, 4))(x)
    return L.Conv2D(4, 3, padding='same')(x)


@fixture('softmax_4d', (1, 4, 5, 3), 'conv 1x1 to 6 channels, softmax over the channels of a 4-D tensor')
def _(x):
    x = L.Conv2D(6, 1)(x)
    return L.Softmax(axis=-1)(x)


# Realistic depthwise-separable stacks ------------------------------------------------------------

@fixture('dsc_stack', (1, 16, 16, 3), 'conv 3x3 s2 + BN + ReLU6, then two DSC blocks (DW3x3 + BN + ReLU6 + PW1x1 + '
         'BN + ReLU6), the second with stride 2', input_range=(0.0, 1.0))
def _(x):
    x = conv_bn(x, 8, 3, strides=2)
    x = dsc(x, 16)
    return dsc(x, 16, strides=2)


@fixture('skynet_tiny', (1, 16, 32, 3), 'tiny SkyNet: 3 DSC bundles with maxpools, space_to_depth bypass of bundle 3 '
         'concatenated with bundle 5, bundle 6, 1x1 head to 10 channels', input_range=(0.0, 1.0))
def _(x):
    x = dsc(x, 8)
    x = L.MaxPooling2D(2)(x)                           # 8x16
    x = dsc(x, 16)
    x = L.MaxPooling2D(2)(x)                           # 4x8
    x = dsc(x, 24)
    bypass = L.custom('space_to_depth', block=2)(x)    # 2x4x96
    x = L.MaxPooling2D(2)(x)                           # 2x4
    x = dsc(x, 32)
    x = dsc(x, 32)
    x = L.Concatenate()([bypass, x])                   # 2x4x128
    x = dsc(x, 16)
    return L.Conv2D(10, 1)(x)


@fixture('mobilenet_tiny', (1, 25, 25, 3), 'tiny MobileNetV1 classifier: Keras-style ZeroPadding2D ((0,1),(0,1)) + '
         'conv 3x3 VALID s2 (odd input: the PAD stays), 4 DSC blocks (the stride-2 ones pad ((0,1),(0,1)) + VALID '
         'depthwise on even sizes, which the converter folds into SAME), GAP, FC 10, softmax', input_range=(0.0, 1.0))
def _(x):
    x = L.ZeroPadding2D(((0, 1), (0, 1)))(x)
    x = conv_bn(x, 8, 3, strides=2, padding='valid')   # 26 -> 12x12
    x = dsc(x, 16)
    x = dsc(x, 24, strides=2, keras_padding=True)      # 6x6
    x = dsc(x, 24)
    x = dsc(x, 32, strides=2, keras_padding=True)      # 3x3
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(10)(x)
    return L.Softmax()(x)


# --------------------------------------------------------------------------------------------------
# Generation


def model_rng(seed, name, purpose):
    return np.random.default_rng([seed, zlib.crc32(name.encode()), zlib.crc32(purpose.encode())])


def build_tflite(spec, seed):
    keras = oracle.keras()
    keras.backend.clear_session()        # fresh layer names (conv2d, conv2d_1, ...) for every model
    keras.utils.set_random_seed(seed)
    inp = keras.Input(shape=spec['shape'][1:], batch_size=spec['shape'][0])
    km = keras.Model(inp, spec['build'](inp), name=spec['name'])
    oracle.randomize_weights(km, model_rng(seed, spec['name'], 'weights'))
    return oracle.convert_int8(km, spec['shape'], model_rng(seed, spec['name'], 'calibration'),
                               spec['input_range'], options=spec['converter'])


def make_inputs(model, seed, name, extreme):
    t = model.input
    rng = model_rng(seed, name, 'inputs')
    cases = {f'rand{i}': rng.integers(-128, 128, size=t.shape, dtype=np.int16).astype(np.int8) for i in range(2)}
    cases[extreme] = np.full(t.shape, -128 if extreme == 'min' else 127, np.int8)
    return cases


def run_both(model, x):
    """TFLM values (the fixture) after checking them against LiteRT BUILTIN_REF; raises on a mismatch."""
    m_vals, m_out = oracle.run_tflm(model, x)
    r_vals, r_out = oracle.run_litert_ref(model, x)
    ok, note, problems = oracle.compare_runs(model, r_vals, m_vals)
    if not ok:
        raise RuntimeError('LiteRT BUILTIN_REF and TFLM disagree:\n  ' + '\n  '.join(problems[:10]))
    if not np.array_equal(m_out, m_vals[model.outputs[0]]):
        raise RuntimeError('TFLM output tensor differs from the last op output')
    return m_vals, m_out, note


def generate(spec, index, seed, out_root):
    name = spec['name']
    model_bytes = build_tflite(spec, seed)
    model = oracle.TFLiteModel(model_bytes)
    problems = model.problems(oracle.SUPPORTED_OPS | spec['extra_ops'])
    if problems:
        raise RuntimeError('the converter made a model DSCFlow cannot import: ' + '; '.join(problems))
    if len(model_bytes) > MAX_MODEL_BYTES:
        raise RuntimeError(f'model is {len(model_bytes)} bytes (limit {MAX_MODEL_BYTES})')
    mdir = os.path.join(out_root, name)
    if os.path.isdir(mdir):
        shutil.rmtree(mdir)
    os.makedirs(mdir)
    with open(os.path.join(mdir, 'model.tflite'), 'wb') as f:
        f.write(model_bytes)
    notes = []
    for case, x in make_inputs(model, seed, name, 'min' if index % 2 == 0 else 'max').items():
        vals, out, note = run_both(model, x)
        if note:
            notes.append(f'{case}: {note}')
        oracle.write_case(os.path.join(mdir, case), model, x, vals, out)
    return model, notes


def dir_size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def write_index(out_root, models):
    """INDEX.tsv and README.md for the models present in out_root (listed in MODELS order)."""
    with open(os.path.join(out_root, 'INDEX.tsv'), 'w') as f:
        for spec, model in models:
            f.write(f'{spec["name"]}\t{",".join(model.op_names())}\t{spec["description"]}\n')
    total = dir_size(out_root)
    lines = ['# .tflite fixtures (generated)', '',
             'Made by `tools/make_fixtures.py` (see its docstring for the layout and how the values were checked):',
             'random-weight Keras models converted to fully-int8 .tflite, each run on three inputs by TensorFlow Lite',
             "Micro and LiteRT's reference kernels; the files hold TFLite Micro's values. Do not edit by hand;",
             'verify with `python tools/make_fixtures.py --check-only`.', '',
             f'{len(models)} models, {total / 1024:.0f} KiB in total. `INDEX.tsv`: name, ops, description.', '']
    for spec, model in models:
        cases = sorted(d for d in os.listdir(os.path.join(out_root, spec['name']))
                       if os.path.isdir(os.path.join(out_root, spec['name'], d)))
        t = model.input
        lines += [f'## {spec["name"]}', '', spec['description'] + '.', '',
                  f'Input {"x".join(map(str, t.shape))} int8, scale {t.scales[0]!r}, zero point {t.zero_points[0]}; '
                  f'model {len(model.bytes)} bytes; cases: {", ".join(cases)}.', '', '```']
        lines += [f'{k:03d} {model.describe_op(k)}' for k in range(len(model.ops))]
        lines += ['```', '']
    with open(os.path.join(out_root, 'README.md'), 'w') as f:
        f.write('\n'.join(lines))


def check(out_root, names):
    """Re-run both interpreters on every stored model and input; compare with every stored file."""
    failures = 0
    for name in names:
        mdir = os.path.join(out_root, name)
        try:
            model = oracle.TFLiteModel(open(os.path.join(mdir, 'model.tflite'), 'rb').read())
            cases = sorted(d for d in os.listdir(mdir) if os.path.isdir(os.path.join(mdir, d)))
            if not cases:
                raise RuntimeError('no cases')
            for case in cases:
                cdir = os.path.join(mdir, case)
                rows = oracle.read_manifest(os.path.join(cdir, 'manifest.tsv'))
                x = np.fromfile(os.path.join(cdir, 'input.bin'), np.int8)
                if x.size != model.input.size:
                    raise RuntimeError(f'{case}/input.bin has {x.size} bytes, want {model.input.size}')
                x = x.reshape(model.input.shape)
                vals, out, _ = run_both(model, x)
                want = {'input.bin': x, 'output.bin': out}
                for k, op in enumerate(model.ops):
                    want[oracle.op_file_name(k, op.name)] = vals[op.outputs[0]]
                listed = {r['file'] for r in rows}
                on_disk = {f for f in os.listdir(cdir) if f.endswith('.bin')}
                if listed != set(want) or on_disk != set(want):
                    raise RuntimeError(f'{case}: files {sorted(on_disk ^ set(want))} / manifest '
                                       f'{sorted(listed ^ set(want))} do not match the model')
                for r in rows:
                    got = open(os.path.join(cdir, r['file']), 'rb').read()
                    exp = want[r['file']]
                    if got != exp.tobytes() or r['shape'] != ','.join(map(str, exp.shape)):
                        raise RuntimeError(f'{case}/{r["file"]} differs from a fresh TFLM run')
            print(f'ok    {name} ({len(cases)} cases, {len(model.ops)} ops)')
        except Exception as e:  # noqa: BLE001 - report every model, then fail
            failures += 1
            print(f'FAIL  {name}: {e}')
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n\n', 1)[1])
    ap.add_argument('--out', default=DEFAULT_OUT, help='fixture folder (default: %(default)s)')
    ap.add_argument('--seed', type=int, default=1, help='base random seed (default: %(default)s)')
    ap.add_argument('--only', nargs='+', metavar='NAME', help='only these models (fnmatch patterns)')
    ap.add_argument('--check-only', action='store_true',
                    help='write nothing: re-run TFLM and LiteRT on the stored models and inputs and verify every file')
    ap.add_argument('--list', action='store_true', help='list the models and exit')
    args = ap.parse_args()

    selected = [s for s in MODELS if not args.only or any(fnmatch.fnmatch(s['name'], p) for p in args.only)]
    if not selected:
        sys.exit('no model matches --only')
    if args.list:
        for s in selected:
            print(f'{s["name"]:24} {s["description"]}')
        return

    if args.check_only:
        names = [s['name'] for s in selected if os.path.isdir(os.path.join(args.out, s['name']))]
        extra = sorted(set(d for d in os.listdir(args.out) if os.path.isdir(os.path.join(args.out, d)))
                       - {s['name'] for s in MODELS}) if os.path.isdir(args.out) else []
        if not names:
            sys.exit(f'no fixtures in {args.out}')
        failures = check(args.out, names + ([] if args.only else extra))
        print(f'{len(names) - failures + (0 if args.only else len(extra))} ok, {failures} failed')
        sys.exit(1 if failures else 0)

    os.makedirs(args.out, exist_ok=True)
    failed = []
    for spec in selected:
        index = MODELS.index(spec)
        try:
            model, notes = generate(spec, index, args.seed, args.out)
        except Exception as e:  # noqa: BLE001 - report and continue with the other models
            failed.append(spec['name'])
            shutil.rmtree(os.path.join(args.out, spec['name']), ignore_errors=True)
            print(f'FAIL  {spec["name"]}: {e}', flush=True)
            continue
        print(f'ok    {spec["name"]:24} {len(model.bytes):6d} B  {",".join(model.op_names())}', flush=True)
        for n in notes:
            print(f'      note: {n}')

    # INDEX.tsv / README.md describe every model now on disk (also the ones not regenerated by --only).
    present = []
    for spec in MODELS:
        path = os.path.join(args.out, spec['name'], 'model.tflite')
        if os.path.exists(path):
            present.append((spec, oracle.TFLiteModel(open(path, 'rb').read())))
    write_index(args.out, present)
    print(f'{len(selected) - len(failed)} models written, {len(failed)} failed; '
          f'{args.out}: {dir_size(args.out) / 1024:.0f} KiB')
    if failed:
        sys.exit(1)


if __name__ == '__main__':
    main()
