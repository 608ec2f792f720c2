import Foundation

/// Codable values as they are stored in a TEXT column: compact JSON with sorted keys, so equal
/// values are equal text and a row reads the same however often it is rewritten.
enum JSONColumn {
    static func encode(_ value: some Encodable, column: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CorruptColumn(column: column, detail: "cannot encode: \(error)")
        }
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw CorruptColumn(column: column, detail: "cannot decode \(Value.self): \(error)")
        }
    }
}

/// A stored value that does not read back as what the column should hold (a hand-edited or
/// damaged row); surfaced as a storage error that names the column.
struct CorruptColumn: Error {
    var column: String
    var detail: String
}
