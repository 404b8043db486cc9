/// One operator's addresses and shapes inside a session, resolved at session creation so that the
/// run loop only reads them.
package struct OperatorBinding {
    package let inputs: [UnsafeRawPointer]
    package let output: UnsafeMutableRawPointer
    package let inputShape: Shape4
    package let secondShape: Shape4
    package let outputShape: Shape4
    /// Concatenation: (source, extent along the axis) of each input.
    package let parts: [(UnsafeRawPointer, Int)]
    /// Bytes of the output, and the input's last dimension (Softmax, Reshape): resolved here because
    /// computing them in `execute` (`Sequence.reduce`) allocates in unoptimised builds.
    package let outputByteCount: Int
    package let inputLastDimension: Int
    package let inputElementCount: Int

    package init(op: Operator, model: Model, plan: ArenaPlan, base: UnsafeMutableRawPointer) {
        func address(_ t: Int) -> UnsafeRawPointer {
            if let d = model.tensors[t].data { return d.pointer }
            return UnsafeRawPointer(base + plan.offsets[t])
        }
        inputs = op.inputs.map(address)
        output = base + plan.offsets[op.outputs[0]]
        let shapes = op.inputs.map { model.tensors[$0].shape }
        inputShape = Shape4(extending: shapes.first ?? [1])
        secondShape = Shape4(extending: shapes.count > 1 ? shapes[1] : [1])
        outputShape = Shape4(extending: model.tensors[op.outputs[0]].shape)
        outputByteCount = model.tensors[op.outputs[0]].byteCount
        let firstShape = model.tensors[op.inputs[0]].shape
        inputLastDimension = firstShape.last ?? 1
        inputElementCount = model.tensors[op.inputs[0]].elementCount
        if case .concatenation(let axis) = op.kind {
            parts = op.inputs.map { (address($0), model.tensors[$0].shape[axis]) }
        } else {
            parts = []
        }
    }

    /// Runs the operator's reference kernel.
    package func execute(_ op: Operator, model: Model, rounding: RoundingMode) {
        let tensors = model.tensors
        let inType = tensors[op.inputs[0]].type
        let outType = tensors[op.outputs[0]].type
        switch op.kind {
        case .conv2D(let p):
            ConvKernel(p: p, depthwise: false, rounding: rounding, binding: self)
                .dispatch(inType, outType, inputs[0], output)
        case .depthwiseConv2D(let p):
            ConvKernel(p: p, depthwise: true, rounding: rounding, binding: self)
                .dispatch(inType, outType, inputs[0], output)
        case .fullyConnected(let p):
            let w = tensors[op.inputs[1]].shape
            FullyConnectedKernel(p: p, rounding: rounding, weights: inputs[1], units: w[0], depth: w[1],
                                 batches: tensors[op.inputs[0]].elementCount / w[1])
                .dispatch(inType, outType, inputs[0], output)
        case .averagePool2D(let p):
            PoolKernel(p: p, average: true, binding: self).dispatch(inType, inputs[0], output)
        case .maxPool2D(let p):
            PoolKernel(p: p, average: false, binding: self).dispatch(inType, inputs[0], output)
        case .mean(let p):
            MeanKernel(p: p, rounding: rounding, shape: tensors[op.inputs[0]].shape).dispatch(inType, inputs[0], output)
        case .add(let p):
            AddKernel(p: p, rounding: rounding, second: inputs[1], aShape: tensors[op.inputs[0]].shape,
                      bShape: tensors[op.inputs[1]].shape, outShape: tensors[op.outputs[0]].shape)
                .dispatch(inType, inputs[0], output)
        case .concatenation(let axis):
            parts.withUnsafeBufferPointer { parts in
                ReferenceDataMovement.concatenate(axis: axis, elementSize: outType.byteSize, inputs: parts,
                                                  outputShape: tensors[op.outputs[0]].shape, output: output)
            }
        case .pad(let p):
            PadKernel(p: p, inShape: tensors[op.inputs[0]].shape, outShape: tensors[op.outputs[0]].shape)
                .dispatch(inType, inputs[0], output)
        case .reshape:
            let n = outputByteCount
            if UnsafeRawPointer(output) != inputs[0] { output.copyMemory(from: inputs[0], byteCount: n) }
        case .spaceToDepth(let p):
            SpaceToDepthKernel(p: p, binding: self).dispatch(inType, inputs[0], output)
        case .softmax(let p):
            let depth = inputLastDimension
            ReferenceSoftmax.run(p, input: inputs[0].assumingMemoryBound(to: Int8.self),
                                 output: output.assumingMemoryBound(to: Int8.self),
                                 rows: inputElementCount / depth, depth: depth)
        }
    }
}

/// A kernel generic over its input and output element types; `dispatch` picks them at run time.
package protocol TypedKernel {
    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>)
}

extension TypedKernel {
    @inline(__always)
    package func dispatch(_ inType: ElementType, _ outType: ElementType, _ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer) {
        switch inType {
        case .int8: dispatchOut(outType, x.assumingMemoryBound(to: Int8.self), y)
        case .uint8: dispatchOut(outType, x.assumingMemoryBound(to: UInt8.self), y)
        case .int16: dispatchOut(outType, x.assumingMemoryBound(to: Int16.self), y)
        case .int32: dispatchOut(outType, x.assumingMemoryBound(to: Int32.self), y)
        }
    }

    @inline(__always)
    package func dispatchOut<In: QuantizedElement>(_ outType: ElementType, _ x: UnsafePointer<In>, _ y: UnsafeMutableRawPointer) {
        switch outType {
        case .int8: run(x, y.assumingMemoryBound(to: Int8.self))
        case .uint8: run(x, y.assumingMemoryBound(to: UInt8.self))
        case .int16: run(x, y.assumingMemoryBound(to: Int16.self))
        case .int32: run(x, y.assumingMemoryBound(to: Int32.self))
        }
    }
}

/// A kernel whose input and output share one element type.
package protocol SameTypeKernel {
    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>)
}

extension SameTypeKernel {
    @inline(__always)
    package func dispatch(_ type: ElementType, _ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer) {
        switch type {
        case .int8: run(x.assumingMemoryBound(to: Int8.self), y.assumingMemoryBound(to: Int8.self))
        case .uint8: run(x.assumingMemoryBound(to: UInt8.self), y.assumingMemoryBound(to: UInt8.self))
        case .int16: run(x.assumingMemoryBound(to: Int16.self), y.assumingMemoryBound(to: Int16.self))
        case .int32: run(x.assumingMemoryBound(to: Int32.self), y.assumingMemoryBound(to: Int32.self))
        }
    }
}

private struct ConvKernel: TypedKernel {
    let p: ConvolutionParameters
    let depthwise: Bool
    let rounding: RoundingMode
    let binding: OperatorBinding

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        let f = binding.inputs[1].assumingMemoryBound(to: Int8.self)
        if depthwise {
            ReferenceConvolution.depthwise(p, rounding: rounding, input: x, inputShape: binding.inputShape, filter: f,
                                           filterShape: binding.secondShape, output: y, outputShape: binding.outputShape)
        } else {
            ReferenceConvolution.conv2D(p, rounding: rounding, input: x, inputShape: binding.inputShape, filter: f,
                                        filterShape: binding.secondShape, output: y, outputShape: binding.outputShape)
        }
    }
}

private struct FullyConnectedKernel: TypedKernel {
    let p: FullyConnectedParameters
    let rounding: RoundingMode
    let weights: UnsafeRawPointer
    let units: Int, depth: Int, batches: Int

    func run<In: QuantizedElement, Out: QuantizedElement>(_ x: UnsafePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        ReferenceFullyConnected.run(p, rounding: rounding, input: x, batches: batches, depth: depth,
                                    weights: weights.assumingMemoryBound(to: Int8.self), units: units, output: y)
    }
}

private struct PoolKernel: SameTypeKernel {
    let p: PoolParameters
    let average: Bool
    let binding: OperatorBinding

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        if average {
            ReferencePooling.average(p, input: x, inputShape: binding.inputShape, output: y, outputShape: binding.outputShape)
        } else {
            ReferencePooling.maximum(p, input: x, inputShape: binding.inputShape, output: y, outputShape: binding.outputShape)
        }
    }
}

private struct MeanKernel: SameTypeKernel {
    let p: MeanParameters
    let rounding: RoundingMode
    let shape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceMean.run(p, rounding: rounding, input: x, inputShape: shape, output: y)
    }
}

private struct AddKernel: SameTypeKernel {
    let p: AddParameters
    let rounding: RoundingMode
    let second: UnsafeRawPointer
    let aShape: [Int], bShape: [Int], outShape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceAdd.run(p, rounding: rounding, a: x, aShape: aShape, b: second.assumingMemoryBound(to: T.self),
                         bShape: bShape, output: y, outputShape: outShape)
    }
}

private struct PadKernel: SameTypeKernel {
    let p: PadParameters
    let inShape: [Int], outShape: [Int]

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceDataMovement.pad(p, input: x, inputShape: inShape, output: y, outputShape: outShape)
    }
}

private struct SpaceToDepthKernel: SameTypeKernel {
    let p: SpaceToDepthParameters
    let binding: OperatorBinding

    func run<T: QuantizedElement>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        ReferenceDataMovement.spaceToDepth(p, input: x, inputShape: binding.inputShape, output: y,
                                           outputShape: binding.outputShape)
    }
}
