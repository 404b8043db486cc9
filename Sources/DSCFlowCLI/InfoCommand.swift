import ArgumentParser
import DSCFlow
import DSCFlowAccelerator
import DSCFlowVision

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a model's operators with shapes, quantization and MACs, and its totals."
    )

    @Argument(help: modelFileHelp)
    var model: String

    @Option(help: "Kernel path whose kernels to name: reference, portable, avx2, avxvnni, avx512vnni or auto (DSCFLOW_KERNELS, else the fastest this CPU runs).")
    var kernels = "auto"

    @Option(name: .long, help: memoryLimitHelp)
    var memoryLimit = SessionOptions.defaultMemoryLimit >> 20

    func run() throws {
        guard let path = KernelPath(rawValue: kernels) else {
            throw ValidationError("--kernels must be one of \(KernelPath.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let limit = try memoryLimitBytes(mib: memoryLimit)
        let m = try loadModel(model)
        if m.acceleratorProgramDesign != nil {
            print(try ISmart3ProgramInfo.text(model: m, name: model, kernels: path))
            return
        }
        // Prepared without a limit, to say what a session needs even when the limit would refuse it.
        let prepared = try PreparedModel(model: m, options: SessionOptions(kernels: path, memoryLimit: Int.max))
        print("model: \(model) (\(m.format))")
        for (k, i) in m.inputs.enumerated() {
            print("input \(k): \(m.tensors[i].name) \(m.tensors[i].signature) \(describe(m.tensors[i].quantization))")
        }
        for (k, o) in m.outputs.enumerated() {
            print("output \(k): \(m.tensors[o].name) \(m.tensors[o].signature) \(describe(m.tensors[o].quantization))")
        }
        print("")
        let kernelWidth = max(24, (prepared.kernels.map { $0.description.count }.max() ?? 0) + 2)
        let nameWidth = max(18, (m.operations.map(\.name.count).max() ?? 0) + 2)
        print(column("#", 4) + column("operator", nameWidth) + column("input", 22) + column("output", 22)
              + column("MACs", 13) + column("kernel (\(prepared.kernelPath.rawValue))", kernelWidth) + "details")
        for (i, op) in m.operations.enumerated() {
            let x = m.tensors[op.inputs[0]], y = m.tensors[op.outputs[0]]
            print(column(String(i), 4) + column(op.name, nameWidth) + column(x.signature, 22) + column(y.signature, 22)
                  + column(grouped(m.macs(ofOperation: i)), 13) + column(prepared.kernels[i].description, kernelWidth)
                  + OperatorDescription.details(op, m))
        }
        print("")
        print("operators:   \(m.operations.count)")
        print("MACs:        \(grouped(m.totalMACs))")
        print("parameters:  \(grouped(m.parameterCount)) (\(grouped(m.constantBytes)) bytes of constants)")
        let fast = prepared.kernels.filter(\.isFast).count
        print("kernels:     \(prepared.kernelPath.rawValue): \(fast) of \(m.operations.count) operators on microkernels")
        print("arena:       \(grouped(prepared.plan.size)) bytes of tensors (\(grouped(prepared.requiredArenaSize)) with kernel scratch and alignment slack)")
        let memory = prepared.memory
        let verdict = memory.total <= limit ? "within" : "ABOVE"
        print("session:     \(grouped(memory.total)) bytes (arena \(grouped(memory.arena)) + packed constants \(grouped(memory.packedConstants)) + tables \(grouped(memory.tables))), \(verdict) the memory limit of \(limit == Int.max ? "none" : grouped(limit) + " bytes")")
        if !m.metadata.isEmpty {
            print("metadata:")
            for key in m.metadata.keys.sorted() {
                let value = m.metadata[key]!.split(separator: "\n").joined(separator: "; ")
                print("  \(key): \(value)")
            }
        }
    }
}

/// One-line descriptions of operator parameters for `info`.
enum OperatorDescription {
    static func window(_ w: Window2D) -> String {
        var s = "\(w.kernelHeight)x\(w.kernelWidth)/\(w.strideHeight)x\(w.strideWidth) \(w.padding.name)"
        if w.dilationHeight != 1 || w.dilationWidth != 1 { s += " dil \(w.dilationHeight)x\(w.dilationWidth)" }
        if w.padTop + w.padBottom + w.padLeft + w.padRight > 0 {
            s += " pad t\(w.padTop) l\(w.padLeft) b\(w.padBottom) r\(w.padRight)"
        }
        return s
    }

    static func details(_ op: Operator, _ m: Model) -> String {
        let out = "out \(describe(m.tensors[op.outputs[0]].quantization))"
        switch op.kind {
        case .conv2D(let p), .depthwiseConv2D(let p):
            var s = window(p.window)
            if p.depthMultiplier != 1 { s += " dm \(p.depthMultiplier)" }
            s += " \(p.activation.name) w \(describe(m.tensors[op.inputs[1]].quantization)) acc \(p.accumulator.description) rq \(p.requantizer.name)"
            return s + " " + out
        case .fullyConnected(let p):
            return "\(p.activation.name) w \(describe(m.tensors[op.inputs[1]].quantization)) acc \(p.accumulator.description) rq \(p.requantizer.name) " + out
        case .averagePool2D(let p), .maxPool2D(let p):
            return window(p.window) + " \(p.activation.name) " + out
        case .mean(let p):
            return "axes \(p.axes) keep_dims \(p.keepDims) " + out
        case .add(let p):
            return "\(p.activation.name) " + out
        case .concatenation(let axis):
            return "axis \(axis), \(op.inputs.count) inputs " + out
        case .pad(let p):
            return "paddings \(p.paddings.map { "\($0.before),\($0.after)" }.joined(separator: " ")) value \(p.value)"
        case .reshape:
            return out
        case .spaceToDepth(let p):
            return "block \(p.blockSize) \(p.order.name) " + out
        case .softmax(let p):
            return "beta \(p.beta) " + out
        case .quantize(let q), .dequantize(let q):
            return "scale \(q.scale) zero point \(q.zeroPoint)"
        case .transpose(let perm):
            return "permutation \(perm)"
        case .ortAdd(let p):
            return "a \(p.a.scale)/\(p.a.zeroPoint) b \(p.b.scale)/\(p.b.zeroPoint) c \(p.c.scale)/\(p.c.zeroPoint)"
        case .ortAveragePool(let p):
            return window(p.window) + (p.countIncludePad ? " count_include_pad " : " ") + out
        case .ortGlobalAveragePool(let p):
            return "scale \(p.scale) " + out
        case .lookupTable:
            return out
        case .ortSoftmax:
            return out
        case .ortFloatConv(let p):
            return window(p.window) + " float \(p.algorithm.name)/\(p.blockSize) groups \(p.groups) " + out
        case .ortFloatPool(let p):
            return window(p.window) + (p.maximum ? " max" : " average \(p.order)") + (p.countIncludePad ? " count_include_pad " : " ") + out
        case .resizeBilinear(let p):
            return "\(p.rows.count)x\(p.columns.count) weights 2^-\(p.rowFractionBits) x 2^-\(p.columnFractionBits) " + out
        }
    }
}
