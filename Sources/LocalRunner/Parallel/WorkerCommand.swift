/// Encodes the runner -> worker JSON lines. Written by hand rather than with JSONEncoder:
/// one command goes out per mini-batch and paths rarely need escaping, so appending bytes
/// straight into one buffer keeps the dispatch loop cheap.
enum WorkerCommand {
    /// `{"op":"run",...}` for one attempt at `batch`, newline-terminated.
    static func run(_ batch: MiniBatch, attempt: Int) -> [UInt8] {
        var out: [UInt8] = []
        switch batch.payload {
        case .files(let paths):
            out.reserveCapacity(64 + paths.reduce(0) { $0 + $1.utf8.count + 3 })
            append("{\"op\":\"run\",\"batch\":\(batch.index),\"attempt\":\(attempt),\"kind\":\"files\",\"items\":[", to: &out)
            for (position, path) in paths.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendQuoted(path, to: &out)
            }
            append("]}\n", to: &out)
        case .tabular(let csvPath, let rows, _):
            append("{\"op\":\"run\",\"batch\":\(batch.index),\"attempt\":\(attempt),\"kind\":\"tabular\",\"file\":", to: &out)
            appendQuoted(csvPath, to: &out)
            append(",\"rows\":\(rows)}\n", to: &out)
        }
        return out
    }

    /// `{"op":"shutdown"}`, newline-terminated.
    static let shutdown: [UInt8] = Array("{\"op\":\"shutdown\"}\n".utf8)

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
