import Policies
import Testing

/// The shipped catalogue against the platform's table (domain.md, seed 001).
@Suite("VM size catalogue")
struct VMSizeCatalogTests {
    let catalog = VMSizeCatalog.shipped
    static let supported = [
        "DDSv4", "Dv2", "Dv3", "DSv2", "DSv3", "EAv4", "Ev3", "ESv3", "FSv2", "FX", "H", "HB", "HBv2", "HBv3", "HC", "LSv2",
        "M", "NC", "NC Promo", "NCv2", "NCv3", "ND", "NDv2", "SH", "NVv3", "NCasT4_v3", "NDasrA100_v4",
    ]

    @Test func everySupportedSeriesIsListedAndHasSizes() {
        let listed = Set(catalog.series.map(\.name))
        for series in Self.supported {
            #expect(listed.contains(series), "\(series) is missing from the series table")
            let sizes = catalog.sizes.values.filter { $0.series == series }
            // SH is in the platform's table, but no size of it is known (vm-sizes.json says so).
            if series != "SH" { #expect(!sizes.isEmpty, "\(series) has no sizes") }
        }
        #expect(catalog.sizes.values.allSatisfy { listed.contains($0.series) })
        #expect(catalog.sizes.count >= 140)
    }

    @Test func everySizeIsComplete() {
        for size in catalog.sizes.values {
            #expect(size.vCPUs > 0 && size.memoryGB > 0, "\(size.name)")
            #expect(size.family.hasPrefix("standard") && size.family.hasSuffix("Family"), "\(size.name): \(size.family)")
            #expect((size.gpus > 0) == (size.gpuArchitecture != nil), "\(size.name)")
            #expect(size.clusters || size.instances, "\(size.name)")
        }
        // One family per series.
        let families = Dictionary(grouping: catalog.sizes.values, by: \.series).mapValues { Set($0.map(\.family)) }
        #expect(families.values.allSatisfy { $0.count == 1 }, "\(families)")
    }

    @Test func flagsDatesAndCudaFromThePlatformsTables() throws {
        #expect(catalog.sizes.values.filter { !$0.instances }.map(\.series).allSatisfy { $0 == "FX" })
        #expect(catalog.sizes.values.filter { $0.series == "FX" }.allSatisfy { $0.clusters && !$0.instances })
        #expect(Set(catalog.sizes.values.filter(\.isolated).map(\.name))
            == ["Standard_M128ms", "Standard_F72s_v2", "Standard_NC24s_v3", "Standard_NC24rs_v3"])
        let retired = Dictionary(grouping: catalog.sizes.values.filter { $0.retired != nil }, by: { $0.retired! }).mapValues { Set($0.map(\.series)) }
        #expect(retired == ["2023-08-31": ["NC", "NC Promo", "NCv2", "ND", "NV"], "2024-08-31": ["HB"]])
        #expect(catalog.cudaMinimum == ["Ampere": "11.0", "Turing": "10.0", "Volta": "9.0", "Pascal": "9.0", "Maxwell": "9.0", "Kepler": "9.0"])
        let a100 = try #require(catalog.size(named: "standard_nd96asr_v4"))
        #expect(a100.gpus == 8 && a100.gpuArchitecture == "Ampere" && catalog.cudaMinimum(for: a100) == "11.0")
        #expect(catalog.cudaMinimum(for: try #require(catalog.size(named: "Standard_NC4as_T4_v3"))) == "10.0")
        #expect(catalog.cudaMinimum(for: try #require(catalog.size(named: "Standard_DS3_v2"))) == nil)
    }

    @Test func sizesMatchInAnyLetterCase() {
        #expect(catalog.size(named: "STANDARD_DS3_V2")?.name == "Standard_DS3_v2")
        #expect(catalog.size(named: "standard_ds3_v2")?.vCPUs == 4)
        #expect(catalog.problem(with: "STANDARD_DS3_V2", for: .cluster) == nil)
        #expect(catalog.problem(with: "Standard_FX4mds", for: .cluster) == nil)
        #expect(catalog.problem(with: "Standard_FX4mds", for: .instance)?.rule == "size-not-for-instances")
        #expect(catalog.problem(with: "Standard_NC6_Promo", for: .serverless)?.message.contains("retired on 31 Aug 2023") == true)
    }
}
