import DSCFlow
/// Decides, for each operator of a model, how an accelerator configuration maps it (`LayerPlan`).
/// The rules are the tiled engines' (iSmart3 `net_hls.cc`, SkrSkr `SkyNet.cpp`), stated generally:
/// - a map is tiled by `tileRows × tileCols` over the stitched batch, unless the whole stitched map
///   (with its 1-pixel separators) fits the tile buffer;
/// - a DW layer whose channel groups all fit the feature buffers keeps its output on chip and
///   feeds the next PW directly; otherwise it is exported;
/// - a max-pool right after a PW is fused into the PW's output path;
/// - loads overlap compute (ping-pong) when the map is a single tile, or for the image loader;
/// - space-to-depth feeding a concat feeding a DW is done by the DW's reorg loader.
public enum LayerPlanner {
    /// Plans every operator. Throws if the configuration is invalid. `usage` (the real channels of
    /// each layer) is computed from the weights when not given; pass it when planning one model many times.
    public static func plan(_ model: Model, _ c: AcceleratorConfig, usage: ChannelUsage? = nil) throws -> [LayerPlan] {
        try c.validate()
        let usage = usage ?? ChannelUsage(model)
        var consumers = [[Int]](repeating: [], count: model.tensors.count)
        for (i, op) in model.operations.enumerated() {
            for t in op.inputs where !model.tensors[t].isConstant { consumers[t].append(i) }
        }
        let modelInputs = Set(model.inputs)
        let tiled = c.tiledEngine
        var plans: [LayerPlan] = []
        plans.reserveCapacity(model.operations.count)
        for (i, op) in model.operations.enumerated() {
            plans.append(try basePlan(i, op, model, c, realIn: usage.inputs[i], realOut: usage.outputs[i], isImage: op.inputs.first.map { modelInputs.contains($0) } ?? false))
        }
        // Fusion decisions need the neighbours' roles.
        for i in plans.indices {
            let op = model.operations[i]
            let out = op.outputs[0]
            let readers = consumers[out]
            switch plans[i].role {
            case .depthwise:
                guard let t = tiled else { break }
                if readers.count == 1, plans[readers[0]].role == .pointwise, plans[i].inGroups <= t.tiles.featureBuffers,
                   plans[readers[0]].inGroups == plans[i].outGroups {
                    plans[i].outputOnChip = true
                    plans[readers[0]].inputOnChip = true
                    // Channel enhancement (Paper B §3.4) also fills the first PW: P packed pixels share
                    // its output lanes, so a pixel needs ⌈realOut·P / pwOutputs⌉ / P output passes.
                    let P = plans[i].packedPixels
                    if P > 1 {
                        let pw = readers[0]
                        let realOut = max(1, min(usage.outputs[pw], plans[pw].outChannels))
                        let packed = Double(ceilDiv(realOut &* P, t.pointwise.outputs)) / Double(P)
                        let unpacked = Double(plans[pw].outPassesPerOutGroup.reduce(0, +))
                        if unpacked > 0 && packed < unpacked { plans[pw].packedComputeFactor = packed / unpacked }
                    }
                }
                // Reorg loader: DW input is a concat with a space-to-depth part.
                if let src = producer(of: op.inputs[0], model), case .concatenation = model.operations[src].kind {
                    var reorgChannels = 0
                    for t in model.operations[src].inputs {
                        if let p = producer(of: t, model), case .spaceToDepth = model.operations[p].kind {
                            reorgChannels += model.tensors[t].shape[3]
                            plans[p].absorbed = true
                        }
                    }
                    plans[i].reorgGroups = ceilDiv(reorgChannels, c.lanes)
                    plans[src].absorbed = true
                } else if let src = producer(of: op.inputs[0], model), case .spaceToDepth = model.operations[src].kind {
                    plans[i].reorgGroups = plans[i].inGroups
                    plans[src].absorbed = true
                }
            case .pointwise where tiled != nil:
                let pools = readers.filter { plans[$0].role == .pool && isFusablePool(model.operations[$0]) }
                if let p = pools.first {
                    plans[i].fusedPool = true
                    plans[i].exportAlongsidePool = readers.count > 1
                    plans[p].absorbed = true
                }
            case .concat where tiled != nil:
                // Concatenation in DDR is address arithmetic: producers write into the concatenated map.
                plans[i].absorbed = true
            default:
                break
            }
        }
        return plans
    }

    static func producer(of tensor: Int, _ model: Model) -> Int? {
        model.operations.firstIndex { $0.outputs.contains(tensor) }
    }

    static func isFusablePool(_ op: Operator) -> Bool {
        if case .maxPool2D(let p) = op.kind {
            return p.window.kernelHeight == 2 && p.window.kernelWidth == 2 && p.window.strideHeight == 2 && p.window.strideWidth == 2
        }
        return false
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { b <= 0 ? 0 : (a + b - 1) / b }

    private static func basePlan(_ i: Int, _ op: Operator, _ model: Model, _ c: AcceleratorConfig,
                                 realIn: Int, realOut: Int, isImage: Bool) throws -> LayerPlan {
        let outT = model.tensors[op.outputs[0]]
        let inT = model.tensors[op.inputs[0]]
        let outShape = Shape4(extending: outT.shape)
        let inShape = Shape4(extending: inT.shape)
        var role: LayerRole
        var kernel = 1, stride = 1, taps = 1, filterIn = inShape.c
        switch op.kind {
        case .depthwiseConv2D(let p):
            role = .depthwise; kernel = p.window.kernelHeight; stride = p.window.strideHeight
            taps = p.window.kernelHeight * p.window.kernelWidth
            filterIn = 1
        case .conv2D(let p):
            kernel = p.window.kernelHeight; stride = p.window.strideHeight
            taps = p.window.kernelHeight * p.window.kernelWidth
            filterIn = model.tensors[op.inputs[1]].shape.last ?? inShape.c
            role = kernel == 1 && p.window.kernelWidth == 1 && stride == 1 && p.window.strideWidth == 1
                && filterIn == inShape.c ? .pointwise : .convolution
        case .maxPool2D, .averagePool2D: role = .pool
        case .spaceToDepth: role = .reorg
        case .concatenation: role = .concat
        case .resizeBilinear: role = .resize
        case .fullyConnected:
            // Each output reads the whole input vector (however the input tensor is shaped).
            role = .fullyConnected
            filterIn = model.tensors[op.inputs[1]].shape.last ?? inShape.c
        default: role = .other
        }
        let lanes = c.lanes
        let inC = inShape.c, outC = outShape.c
        let inGroups = ceilDiv(inC, lanes), outGroups = ceilDiv(outC, lanes)
        let useful = model.macs(ofOperation: i) / max(1, outShape.n)
        var issued = useful
        var tr = 1, tc = 1, runs = 1, single = false
        var blocks: [Int] = [], passes: [Int] = []
        var packed = 1, weightsResident = false, overlap = false
        // Tiles, channel groups, PW blocks and on-chip reuse are a tiled engine's; streaming and
        // layer-pipeline engines are folded per layer instead (`StreamFolding.fold` sets their issued MACs).
        if let t = c.tiledEngine {
            let pw = t.pointwise, opt = t.optimisations
            // Stitched map: the batch in a grid with 1-pixel separators (SkrSkr transform.cpp).
            let stitchedRows = c.batchGridRows &* outShape.h &+ c.batchGridRows &+ 1
            let stitchedCols = c.batchGridCols &* outShape.w &+ c.batchGridCols &+ 1
            single = stitchedRows <= t.tiles.bufferRows && stitchedCols <= t.tiles.bufferCols
            if !single {
                if isImage && !t.imageLoader.stitched {
                    tr = c.batch * ceilDiv(outShape.h, t.tiles.rows)
                    tc = ceilDiv(outShape.w, t.tiles.cols)
                } else {
                    tr = ceilDiv(c.batchGridRows * outShape.h, t.tiles.rows)
                    tc = ceilDiv(c.batchGridCols * outShape.w, t.tiles.cols)
                }
                runs = tr
            }
            blocks = [Int](repeating: 0, count: inGroups)
            for g in 0..<inGroups {
                // Adjustable loop count: only the blocks holding real channels (at least one per group).
                let real = min(lanes, max(min(realIn, inC) - g * lanes, 1))
                blocks[g] = ceilDiv(opt.adjustableLoopCount ? real : lanes, pw.inputs)
            }
            passes = [Int](repeating: 0, count: outGroups)
            for g in 0..<outGroups {
                let real = min(lanes, max(min(realOut, outC) - g * lanes, 1))
                passes[g] = ceilDiv(opt.adjustableLoopCount ? real : lanes, pw.outputs)
            }
            if role == .pointwise {
                let blocksTotal = blocks.reduce(0, +), passesTotal = passes.reduce(0, +)
                issued = outShape.h &* outShape.w &* blocksTotal &* pw.inputs &* passesTotal &* pw.outputs
            } else if role == .depthwise {
                issued = outShape.h &* outShape.w &* inGroups &* lanes &* kernel &* kernel
            }
            if isImage && role == .depthwise && opt.channelEnhancement && min(realIn, inC) * opt.channelEnhancementPixels <= lanes {
                packed = opt.channelEnhancementPixels
                issued = outShape.h &* outShape.w &* kernel &* kernel &* lanes / packed
            }
            weightsResident = role == .pointwise && outGroups * inGroups <= t.tiles.weightBufferSlots
            overlap = single || (isImage && inGroups <= t.tiles.featureBuffers - 1)
        }
        return LayerPlan(op: i, name: op.name, role: role, outHeight: outShape.h, outWidth: outShape.w,
                         outChannels: outC, inChannels: inC, realInChannels: max(1, min(realIn, inC)), inPixels: inShape.h * inShape.w, kernel: kernel, taps: taps,
                         filterInChannels: filterIn, stride: stride,
                         tileRowsCount: tr, tileColsCount: tc, tileRowRuns: runs, singleTile: single,
                         inGroups: inGroups, outGroups: outGroups, blocksPerInGroup: blocks,
                         outPassesPerOutGroup: passes, inputOnChip: false, outputOnChip: false,
                         fusedPool: false, exportAlongsidePool: false, absorbed: false, overlapLoads: overlap,
                         reorgGroups: 0, imageInput: isImage, packedPixels: packed, packedComputeFactor: 1,
                         weightsResident: weightsResident, usefulMACs: useful, issuedMACs: issued,
                         foldSIMD: 1, foldPE: 1)
    }
}
