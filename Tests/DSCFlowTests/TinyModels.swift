import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

/// Small models built in code for the image pipeline tests.
enum TinyModels {
    /// A SkyNet-layout detector we can reason about by hand: int8 input [1, H, W, 3] (scale 1/255,
    /// zero point −128, so q = pixel − 128) → max pool cell×cell → 1×1 conv to 10 channels
    /// (2 anchors × tx, ty, tw, th, conf) with output scale 0.05, zero point −128.
    /// conf of anchor 0 = red/2 · 0.05, conf of anchor 1 = green/2 · 0.05 (the pooled maxima);
    /// tx = ty = 0; tw, th = `logSize` (the same for both anchors) so exp(tw) = e^logSize.
    static func detector(width: Int = 320, height: Int = 160, cell: Int = 8, anchors: String = "4,2,8,6",
                         twQuantized: Int32 = 0, metadata extra: [String: String] = [:]) throws -> Model {
        let inQ = Quantization(scale: 1.0 / 255.0, zeroPoint: -128)
        let outQ = Quantization(scale: 0.05, zeroPoint: -128)
        let gh = height / cell, gw = width / cell
        var w = [Int8](repeating: 0, count: 10 * 3)
        w[4 * 3 + 0] = 1  // conf0 ← red
        w[9 * 3 + 1] = 1  // conf1 ← green
        // Accumulator a → round(a/2) − 128 (multiplier 2^30 with shift 0 is ×0.5); bias 2·tw gives tw.
        var bias = [Int32](repeating: 0, count: 10)
        for c in [2, 3, 7, 8] { bias[c] = 2 * twQuantized }
        let tensors = [
            Tensor(name: "image", type: .int8, shape: [1, height, width, 3], quantization: inQ),
            Tensor(name: "pooled", type: .int8, shape: [1, gh, gw, 3], quantization: inQ),
            Tensor(name: "w", type: .int8, shape: [10, 1, 1, 3], quantization: Quantization(scales: [Float](repeating: 1, count: 10), zeroPoints: [Int32](repeating: 0, count: 10)),
                   data: ConstantData(bytes: w.map { UInt8(bitPattern: $0) })),
            Tensor(name: "head", type: .int8, shape: [1, gh, gw, 10], quantization: outQ),
        ]
        let pool = Operator(kind: .maxPool2D(PoolParameters(
            window: Window2D(kernelHeight: cell, kernelWidth: cell, strideHeight: cell, strideWidth: cell, padding: .valid),
            activationMin: -128, activationMax: 127)), inputs: [0], outputs: [1])
        let conv = Operator(kind: .conv2D(ConvolutionParameters(
            window: Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            inputOffset: 128, paddingValue: -128, bias: bias,
            requantizer: .fixedPoint(FixedPointRequantizer(multipliers: [1 << 30], shifts: [0], outputZeroPoint: -128,
                                                           activationMin: -128, activationMax: 127)))),
            inputs: [1, 2], outputs: [3])
        var md = ["dscflow.detection": "head=skynet\nanchors=\(anchors)\ngrid=\(gw)x\(gh)\nchannels=tx,ty,tw,th,conf\nlabels=object",
                  "dscflow.preprocess": "color=rgb\nresize=bilinear\nrange=0,1\nsize=\(width)x\(height)"]
        for (k, v) in extra { md[k] = v }
        return try Model(tensors: tensors, operations: [pool, conv], inputs: [0], outputs: [3], metadata: md, format: "builtin")
    }

    /// An image of `width`×`height` (RGB, black) with a filled rectangle [x0, x1) × [y0, y1).
    static func scene(width: Int, height: Int, rect: (Int, Int, Int, Int), color: (UInt8, UInt8, UInt8)) throws -> Image {
        var img = try Image(width: width, height: height, channels: 3)
        for y in rect.2..<rect.3 { for x in rect.0..<rect.1 {
            let p = (y * width + x) * 3
            img.pixels[p] = color.0; img.pixels[p + 1] = color.1; img.pixels[p + 2] = color.2
        } }
        return img
    }

    /// A model with a single int8/uint8 input of the given shape and quantization (a max pool 1×1 to
    /// an output), for preprocessing tests.
    static func input(type: ElementType = .int8, shape: [Int], scale: Float, zeroPoint: Int32, preprocess: String? = nil) throws -> Model {
        let q = Quantization(scale: scale, zeroPoint: zeroPoint)
        let tensors = [Tensor(name: "in", type: type, shape: shape, quantization: q),
                       Tensor(name: "out", type: type, shape: shape, quantization: q)]
        let range = type.range
        let pool = Operator(kind: .maxPool2D(PoolParameters(
            window: Window2D(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            activationMin: range.lowerBound, activationMax: range.upperBound)), inputs: [0], outputs: [1])
        return try Model(tensors: tensors, operations: [pool], inputs: [0], outputs: [1],
                         metadata: preprocess.map { ["dscflow.preprocess": $0] } ?? [:], format: "builtin")
    }
}
