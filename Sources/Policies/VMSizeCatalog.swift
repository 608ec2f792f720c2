import Foundation

/// One VM size of the supported series.
public struct VMSize: Sendable, Hashable, Codable {
    public var name: String
    /// The series as the platform's table names it, e.g. `NCv3` or `NC Promo`.
    public var series: String
    /// The quota family, e.g. `standardNCSv3Family`.
    public var family: String
    public var vCPUs: Int
    public var memoryGB: Double
    public var gpus: Int
    /// `Ampere`, `Turing`, `Volta`, `Pascal`, `Maxwell` or `Kepler` for GPU sizes.
    public var gpuArchitecture: String?
    /// Whether compute clusters may use it.
    public var clusters: Bool
    /// Whether compute instances may use it.
    public var instances: Bool
    /// Whether the size is isolated to one customer's hardware.
    public var isolated: Bool
    /// `YYYY-MM-DD` when the series was retired.
    public var retired: String?

    public init(
        name: String, series: String, family: String, vCPUs: Int, memoryGB: Double, gpus: Int = 0,
        gpuArchitecture: String? = nil, clusters: Bool = true, instances: Bool = true, isolated: Bool = false,
        retired: String? = nil
    ) {
        self.name = name
        self.series = series
        self.family = family
        self.vCPUs = vCPUs
        self.memoryGB = memoryGB
        self.gpus = gpus
        self.gpuArchitecture = gpuArchitecture
        self.clusters = clusters
        self.instances = instances
        self.isolated = isolated
        self.retired = retired
    }
}

/// One supported VM series (the platform's table), whether or not sizes of it are known.
public struct VMSeries: Sendable, Hashable, Codable {
    /// As the platform's table names it, e.g. `NCasT4_v3`.
    public var name: String
    /// `general purpose`, `memory optimized`, `compute optimized`, `high performance compute`,
    /// `storage optimized` or `GPU`.
    public var category: String
    /// Whether compute clusters may use it.
    public var clusters: Bool
    /// Whether compute instances may use it.
    public var instances: Bool
    /// `YYYY-MM-DD` when it was retired.
    public var retired: String?
    /// The GPU architecture of its sizes, for GPU series.
    public var gpuArchitecture: String?
}

/// What a compute target may use a size for.
public enum SizeUse: String, Sendable, Hashable {
    /// A compute cluster's `size`.
    case cluster
    /// A compute instance's size.
    case instance
    /// A serverless job's `resources.instance_type`.
    case serverless
}

/// Why a size may not be used.
public struct SizeProblem: Sendable, Hashable {
    /// `unknown-size`, `retired-size`, `size-not-for-clusters` or `size-not-for-instances`
    /// (docs/quota-policies.md).
    public var rule: String
    /// What is wrong, naming the size (and the date or the nearest sizes).
    public var message: String
    /// What would work.
    public var fix: String
}

/// The VM sizes Azure ML supports (a data file in the package, loaded once).
public struct VMSizeCatalog: Sendable {
    private struct File: Decodable {
        var sizes: [VMSize]
        var series: [VMSeries]?
        var cudaMinimum: [String: String]
    }

    /// Every size, by lowercased name (sizes match case-insensitively).
    public let sizes: [String: VMSize]
    /// The supported series, in the platform's order.
    public let series: [VMSeries]
    /// The minimum CUDA version per GPU architecture.
    public let cudaMinimum: [String: String]

    /// The catalogue shipped with mlgitops (`Sources/Policies/Data/vm-sizes.json`).
    public static let shipped: VMSizeCatalog = {
        guard let url = Bundle.module.url(forResource: "vm-sizes", withExtension: "json", subdirectory: "Data"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return VMSizeCatalog(sizes: [], cudaMinimum: [:]) }
        return VMSizeCatalog(sizes: file.sizes, series: file.series ?? [], cudaMinimum: file.cudaMinimum)
    }()

    public init(sizes: [VMSize], series: [VMSeries] = [], cudaMinimum: [String: String] = [:]) {
        var byName: [String: VMSize] = [:]
        for size in sizes { byName[size.name.lowercased()] = size }
        self.sizes = byName
        self.series = series
        self.cudaMinimum = cudaMinimum
    }

    /// The size named `name`, compared case-insensitively (`STANDARD_DS3_V2` = `Standard_DS3_v2`).
    public func size(named name: String) -> VMSize? { sizes[name.lowercased()] }

    /// The minimum CUDA version a GPU size needs (nil for CPU sizes).
    public func cudaMinimum(for size: VMSize) -> String? {
        size.gpuArchitecture.flatMap { cudaMinimum[$0] }
    }

    /// Why `name` may not be used for `use`, or nil when it may: an unknown size (with the
    /// nearest names), a retired series (with the date), or a size clusters may not use.
    public func problem(with name: String, for use: SizeUse) -> SizeProblem? {
        guard let size = size(named: name) else {
            let near = nearest(to: name, usableFor: use)
            return SizeProblem(
                rule: "unknown-size",
                message: "`\(name)` is not a VM size of the supported series; nearest: \(near.joined(separator: ", "))",
                fix: "use one of \(near.joined(separator: ", ")) (sizes match in any letter case)")
        }
        if let retired = size.retired {
            let near = nearest(to: name, usableFor: use)
            return SizeProblem(
                rule: "retired-size",
                message: "`\(size.name)` is of the \(size.series) series, retired on \(Self.longDate(retired)); the platform no longer creates it",
                fix: "recreate on a current size, e.g. \(near.joined(separator: ", "))")
        }
        if use != .instance, !size.clusters {
            let near = nearest(to: name, usableFor: use)
            return SizeProblem(
                rule: "size-not-for-clusters",
                message: "`\(size.name)` (\(size.series)) may be used by compute instances only, not by clusters or serverless jobs",
                fix: "use a size clusters support, e.g. \(near.joined(separator: ", "))")
        }
        if use == .instance, !size.instances {
            let near = nearest(to: name, usableFor: use)
            return SizeProblem(
                rule: "size-not-for-instances",
                message: "`\(size.name)` (\(size.series)) may be used by compute clusters only, not by compute instances",
                fix: "use a size instances support, e.g. \(near.joined(separator: ", "))")
        }
        return nil
    }

    /// Up to `limit` known sizes closest to `name` (edit distance), for "did you mean".
    public func nearest(to name: String, limit: Int = 3) -> [String] {
        rank(name, Array(sizes.values), limit: limit)
    }

    /// Up to `limit` current sizes usable for `use`, closest to `name`.
    public func nearest(to name: String, usableFor use: SizeUse, limit: Int = 3) -> [String] {
        let usable = sizes.values.filter { size in
            size.retired == nil && (use == .instance ? size.instances : size.clusters)
        }
        return rank(name, usable, limit: limit)
    }

    private func rank(_ name: String, _ candidates: [VMSize], limit: Int) -> [String] {
        let target = Array(name.lowercased())
        var scored: [(name: String, distance: Int)] = []
        for size in candidates {
            scored.append((size.name, Self.editDistance(target, Array(size.name.lowercased()))))
        }
        scored.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.name < b.name }
        return scored.prefix(limit).map { $0.name }
    }

    /// `2023-08-31` as `31 Aug 2023`.
    static func longDate(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]) else { return iso }
        return "\(day) \(months[month - 1]) \(parts[0])"
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
