import Foundation

/// One VM size of the supported series.
public struct VMSize: Sendable, Hashable, Codable {
    public var name: String
    public var series: String
    /// The quota family, e.g. `standardNCSv3Family`.
    public var family: String
    public var vCPUs: Int
    public var memoryGB: Double
    public var gpus: Int
    public var gpuArchitecture: String?
    /// Whether compute clusters may use it.
    public var clusters: Bool
    /// Whether compute instances may use it.
    public var instances: Bool
    /// `YYYY-MM-DD` when the series was retired.
    public var retired: String?
}

/// The VM sizes Azure ML supports (a data file in the package, loaded once).
public struct VMSizeCatalog: Sendable {
    private struct File: Decodable {
        var sizes: [VMSize]
        var cudaMinimum: [String: String]
    }

    /// Every size, by lowercased name (sizes match case-insensitively).
    public let sizes: [String: VMSize]
    /// The minimum CUDA version per GPU architecture.
    public let cudaMinimum: [String: String]

    /// The catalogue shipped with mlgitops.
    public static let shipped: VMSizeCatalog = {
        guard let url = Bundle.module.url(forResource: "vm-sizes", withExtension: "json", subdirectory: "Data"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return VMSizeCatalog(sizes: [], cudaMinimum: [:]) }
        return VMSizeCatalog(sizes: file.sizes, cudaMinimum: file.cudaMinimum)
    }()

    public init(sizes: [VMSize], cudaMinimum: [String: String] = [:]) {
        var byName: [String: VMSize] = [:]
        for size in sizes { byName[size.name.lowercased()] = size }
        self.sizes = byName
        self.cudaMinimum = cudaMinimum
    }

    /// The size named `name`, compared case-insensitively.
    public func size(named name: String) -> VMSize? { sizes[name.lowercased()] }

    /// Up to `limit` known sizes closest to `name` (edit distance), for "did you mean".
    public func nearest(to name: String, limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        var scored: [(name: String, distance: Int)] = []
        for size in sizes.values {
            scored.append((size.name, Self.editDistance(target, Array(size.name.lowercased()))))
        }
        scored.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.name < b.name }
        return scored.prefix(limit).map { $0.name }
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                let substitution = previous[j] + (ca == cb ? 0 : 1)
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
