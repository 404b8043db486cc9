/// One operator's addresses, types and shapes inside a session (or an emulator's arena), resolved when
/// the session is created so that the run loop only reads them; the reference kernels run on it
/// (`OperatorDefinition.runReference`).
package struct OperatorBinding {
    package let inputs: [UnsafeRawPointer]
    package let output: UnsafeMutableRawPointer
    /// Element types of input 0 and of the output.
    package let inputType: ElementType
    package let outputType: ElementType
    /// Every input's shape, and the output's.
    package let inputShapes: [[Int]]
    package let outputDims: [Int]
    package let inputShape: Shape4
    package let secondShape: Shape4
    package let outputShape: Shape4
    /// Concatenation: (source, extent along the axis) of each input.
    package let parts: [(UnsafeRawPointer, Int)]
    /// Bytes of the output, and the input's last dimension and element count (Softmax, Reshape, FC):
    /// resolved here because computing them in `execute` (`Sequence.reduce`) allocates in unoptimised builds.
    package let outputByteCount: Int
    package let inputLastDimension: Int
    package let inputElementCount: Int

    /// The binding of `op` whose activations live at `base + plan.offsets[t]`.
    package init(op: Operator, model: Model, plan: ArenaPlan, base: UnsafeMutableRawPointer) {
        func address(_ t: Int) -> UnsafeRawPointer {
            if let d = model.tensors[t].data { return d.pointer }
            return UnsafeRawPointer(base + plan.offsets[t])
        }
        inputs = op.inputs.map(address)
        output = base + plan.offsets[op.outputs[0]]
        let out = model.tensors[op.outputs[0]]
        inputType = model.tensors[op.inputs[0]].type
        outputType = out.type
        inputShapes = op.inputs.map { model.tensors[$0].shape }
        outputDims = out.shape
        inputShape = Shape4(extending: inputShapes.first ?? [1])
        secondShape = Shape4(extending: inputShapes.count > 1 ? inputShapes[1] : [1])
        outputShape = Shape4(extending: out.shape)
        outputByteCount = out.byteCount
        inputLastDimension = inputShapes[0].last ?? 1
        inputElementCount = model.tensors[op.inputs[0]].elementCount
        if case .concatenation(let axis) = op.kind {
            parts = op.inputs.map { (address($0), model.tensors[$0].shape[axis]) }
        } else {
            parts = []
        }
    }

    /// Runs the operator's reference kernel.
    package func execute(_ op: Operator, rounding: RoundingMode) {
        var v = ReferenceExecution(binding: self, rounding: rounding)
        op.kind.visit(&v)
    }

    /// Runs the operator's reference kernel (`model` is not needed any more; kept for callers).
    package func execute(_ op: Operator, model: Model, rounding: RoundingMode) {
        execute(op, rounding: rounding)
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
        case .int8, .int4: dispatchOut(outType, x.assumingMemoryBound(to: Int8.self), y)
        case .uint8, .uint4: dispatchOut(outType, x.assumingMemoryBound(to: UInt8.self), y)
        case .int16: dispatchOut(outType, x.assumingMemoryBound(to: Int16.self), y)
        case .int32: dispatchOut(outType, x.assumingMemoryBound(to: Int32.self), y)
        }
    }

    @inline(__always)
    package func dispatchOut<In: QuantizedElement>(_ outType: ElementType, _ x: UnsafePointer<In>, _ y: UnsafeMutableRawPointer) {
        switch outType {
        case .int8, .int4: run(x, y.assumingMemoryBound(to: Int8.self))
        case .uint8, .uint4: run(x, y.assumingMemoryBound(to: UInt8.self))
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
        case .int8, .int4: run(x.assumingMemoryBound(to: Int8.self), y.assumingMemoryBound(to: Int8.self))
        case .uint8, .uint4: run(x.assumingMemoryBound(to: UInt8.self), y.assumingMemoryBound(to: UInt8.self))
        case .int16: run(x.assumingMemoryBound(to: Int16.self), y.assumingMemoryBound(to: Int16.self))
        case .int32: run(x.assumingMemoryBound(to: Int32.self), y.assumingMemoryBound(to: Int32.self))
        }
    }
}
