import DSCFlow
@testable import DSCFlowAccelerator
import XCTest

/// The emulator's ledgers equal the cost model's (EmulatorBitExactTests) because both record the
/// same events, the emulator one by one while its loops run over the tensors, the cost model once
/// and multiplied by the plan's loop counts. These tests show the comparison is not true by
/// construction: change any count the cost model multiplies by, and the two no longer agree.
final class EmulatorCostModelAgreementTests: XCTestCase {
    /// A small DSC network with every kind of layer the tiled engines treat differently: an image
    /// DW (channel enhancement, image loader), fused and stand-alone pools, a reorg feeding a concat
    /// feeding a DW (reorg loader), a 3×3 head (matrix product), a global pool and a fully connected layer.
    static func everyLayerKind() throws -> Model {
        var b = ModelBuilder(arithmetic: .tflite, seed: 17)
        var x = b.input("in", shape: [1, 32, 48, 3])
        x = b.depthwise(x, name: "dw0")
        x = b.conv(x, outChannels: 40, name: "pw0")
        x = b.maxPool(x, name: "pool0")
        x = b.depthwise(x, name: "dw1")
        let side = b.conv(x, outChannels: 36, name: "pw1")
        var y = b.depthwise(side, name: "dw2")
        y = b.conv(y, outChannels: 70, name: "pw2")
        y = b.concat([b.spaceToDepth(side, name: "reorg"), b.maxPool(y, name: "pool1")], name: "cat")
        y = b.depthwise(y, name: "dw3")
        y = b.conv(y, outChannels: 24, kernel: 3, name: "head")
        y = b.averagePool(y, size: 2, name: "avg")
        y = b.globalAveragePool(y, name: "gap")
        y = b.fullyConnected(y, units: 10, name: "fc")
        return try b.build(outputs: [y])
    }

    /// A count the cost model multiplies by, when it matters for a layer, and how to change it.
    struct Perturbation {
        let name: String
        let applies: (LayerPlan, AcceleratorConfig) -> Bool
        let change: (inout LayerPlan) -> Void
    }

    static let perturbations: [Perturbation] = {
        let tiled: (AcceleratorConfig) -> Bool = { $0.tiledEngine != nil }
        let walked: Set<LayerRole> = [.depthwise, .pointwise, .pool, .reorg]
        return [
            Perturbation(name: "rows of tiles × 2", applies: { p, c in tiled(c) && !p.absorbed && walked.contains(p.role) && p.tileRowsCount > 0 },
                         change: { $0.tileRowsCount *= 2 }),
            Perturbation(name: "columns of tiles + 1", applies: { p, c in tiled(c) && !p.absorbed && walked.contains(p.role) },
                         change: { $0.tileColsCount += 1 }),
            Perturbation(name: "pipeline fills + 1", applies: { p, c in
                tiled(c) && p.role == .depthwise && p.overlapLoads && p.inGroups > p.reorgGroups
            }, change: { $0.tileRowRuns += 1 }),
            Perturbation(name: "output rows × 2", applies: { p, c in
                // (A tiled engine's other convolutions are one matrix product: their MACs count, not their rows.)
                ([.depthwise, .pointwise].contains(p.role) || (p.role == .convolution && !tiled(c))) && p.outHeight > 0
            }, change: { $0.outHeight *= 2 }),
            Perturbation(name: "MACs + 10⁶", applies: { p, c in
                (tiled(c) && [.convolution, .fullyConnected].contains(p.role)) || (!tiled(c) && p.role == .fullyConnected)
            }, change: { $0.usefulMACs += 1_000_000 }),
            Perturbation(name: "input pixels + 1", applies: { p, c in !tiled(c) && p.role == .pool }, change: { $0.inPixels += 1 }),
        ]
    }()

    func testEveryCountTheCostModelMultipliesByIsWalkedByTheEmulator() throws {
        let models = [("every-layer-kind", try Self.everyLayerKind()),
                      ("mobilenet-v1-0.25-96", try BuiltinTopology.mobilenetV1_025_96.build(seed: 2))]
        var checked: [String: Int] = [:]
        for (what, model) in models {
            for name in AcceleratorConfig.presetNames {
                let c = try AcceleratorConfig.preset(named: name)
                let ledgers = try EmulatorBitExactTests.check(model, c, what: what)
                // As folded (a layer pipeline's folding would adapt to a changed count: keep it).
                let plans = try AcceleratorEmulator(model: model, config: c).plans
                for (i, p) in plans.enumerated() {
                    for t in Self.perturbations where t.applies(p, c) {
                        var changed = p
                        t.change(&changed)
                        let predicted = TiledCycleRules(c).map { CostModel.tiled(changed, $0, model) } ?? CostModel.folded(changed, model)
                        XCTAssertNotEqual(predicted, ledgers[i], "\(what) on \(name): \(p.name) (\(p.role)) with \(t.name) still agrees")
                        checked[t.name, default: 0] += 1
                    }
                }
            }
        }
        print("perturbed counts the emulator disagrees with:", checked.sorted { $0.key < $1.key })
        for t in Self.perturbations { XCTAssertGreaterThan(checked[t.name] ?? 0, 0, "\(t.name) never applied") }
    }
}
