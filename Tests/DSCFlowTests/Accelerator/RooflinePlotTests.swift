import DSCFlow
@testable import DSCFlowAccelerator
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The roofline SVG agrees with the report's table and can be read: every layer drawn as the bound the
/// table gives it (hollow = memory-bound), the image port's slope drawn when it bounds the input layer,
/// a legend naming every mark, and layer labels that overlap no other label or point.
final class RooflinePlotTests: XCTestCase {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(Element(name: name, attributes: attributes))
            open.append(elements.count - 1)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for i in open { elements[i].text += string }  // an element's text includes its children's
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }
    }

    func elements(_ svg: String) throws -> [Element] {
        let parser = XMLParser(data: Data(svg.utf8))
        let c = Collector()
        parser.delegate = c
        XCTAssertTrue(parser.parse(), "the SVG is not well-formed XML")
        return c.elements
    }

    func reports() throws -> [AcceleratorReport] {
        let skynet = try BuiltinTopology.skynet.build()
        return try [AcceleratorConfig.preset(named: "ismart3"), .seuerB, AcceleratorConfig.preset(named: "skrskr")].map {
            try AcceleratorReport.make(model: skynet, config: $0)
        }
    }

    func testEveryLayerIsDrawnWithTheBoundTheTableGivesIt() throws {
        for r in try reports() {
            let drawn = r.layers.filter { $0.cycles > 0 && $0.usefulMACs > 0 }
            let circles = try elements(RooflinePlot.svg(r)).filter { $0.name == "circle" }
            XCTAssertEqual(circles.count, drawn.count, r.config.name)
            for (l, c) in zip(drawn, circles) {
                XCTAssertEqual(c.attributes["class"], l.memoryBound ? "memory" : "compute", "\(r.config.name) \(l.name)")
                XCTAssertTrue(c.text.hasPrefix(l.name + ":"), c.text)
            }
        }
    }

    func testTheImagePortThatBoundsConv1IsDrawnAndInTheLegend() throws {
        for r in try reports() {
            let conv1 = try XCTUnwrap(r.layers.first { $0.name == "conv1" })
            XCTAssertTrue(conv1.memoryBound, "\(r.config.name): the table calls conv1 memory-bound")
            let e = try elements(RooflinePlot.svg(r))
            let port = e.filter { $0.name == "polyline" && $0.attributes["class"] == "port" }
            XCTAssertEqual(port.count, 1, r.config.name)
            // The port's slope passes through conv1's attainable performance at its CTC.
            let points = try XCTUnwrap(port.first?.attributes["points"]).split(separator: " ").map {
                $0.split(separator: ",").map { Double(String($0))! }
            }
            let circle = try XCTUnwrap(e.first { $0.name == "circle" && $0.text.hasPrefix("conv1:") })
            let cx = Double(circle.attributes["cx"]!)!
            XCTAssertTrue(points[0][0] <= cx && cx <= points[1][0], "\(r.config.name): the port's slope does not reach conv1")
            let legend = e.filter { $0.name == "text" }.map(\.text)
            for entry in ["DW roof", "PW roof", "image port", "compute-bound", "memory-bound"] {
                XCTAssertTrue(legend.contains { $0.contains(entry) }, "\(r.config.name): no legend entry '\(entry)'")
            }
        }
    }

    func testLayerLabelsOverlapNeitherEachOtherNorThePoints() throws {
        for r in try reports() {
            let e = try elements(RooflinePlot.svg(r))
            let labels = e.filter { $0.name == "text" && $0.attributes["class"] == "layer-label" }
            let drawn = r.layers.filter { $0.cycles > 0 && $0.usefulMACs > 0 }
            XCTAssertEqual(labels.map(\.text).sorted(), drawn.map(\.name).sorted(), r.config.name)
            let boxes = labels.map { l -> RooflinePlot.Box in
                let x = Double(l.attributes["x"]!)!, baseline = Double(l.attributes["y"]!)!
                return RooflinePlot.Box(x0: x, y0: baseline + 2 - RooflinePlot.labelHeight,
                                        x1: x + Double(l.text.count) * RooflinePlot.labelCharWidth, y1: baseline + 2)
            }
            let points = e.filter { $0.name == "circle" }.map { c -> RooflinePlot.Box in
                let x = Double(c.attributes["cx"]!)!, y = Double(c.attributes["cy"]!)!
                return RooflinePlot.Box(x0: x - 4, y0: y - 4, x1: x + 4, y1: y + 4)
            }
            for i in boxes.indices {
                for j in boxes.indices where j > i {
                    XCTAssertFalse(boxes[i].overlaps(boxes[j]), "\(r.config.name): labels \(labels[i].text) and \(labels[j].text) overlap")
                }
                for (k, p) in points.enumerated() where p.overlaps(boxes[i]) {
                    XCTFail("\(r.config.name): label \(labels[i].text) covers point \(k)")
                }
            }
        }
    }
}
