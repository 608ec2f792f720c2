/// Rows of text fields in one string: fields separated by tabs, rows by newlines, and `\`, tab
/// and newline inside a field escaped. Thousands of small rows decode many times faster than
/// the same values through `JSONDecoder`, which an incremental plan cannot afford.
enum TabularText {
    /// `rows` as one string.
    static func encode(_ rows: [[String]]) -> String {
        var text = ""
        for row in rows { append(row, to: &text) }
        return text
    }

    /// Appends one row to `text` (a large table is written without a list of its rows).
    static func append(_ row: [String], to text: inout String) {
        for (index, field) in row.enumerated() {
            if index > 0 { text += "\t" }
            text += escape(field)
        }
        text += "\n"
    }

    /// The rows of `text`. Split on bytes: tabs and newlines are ASCII, and splitting a
    /// `String` by `Character` costs grapheme breaking on every byte.
    static func decode(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        forEachRow(text) { row in rows.append((0..<row.count).map { row.string($0) }) }
        return rows
    }

    /// Calls `body` with each row of `text`, its fields read as bytes and made into strings
    /// only when asked: what an incremental plan uses to rebuild 9,000 stored actions without
    /// a string and an array per field and row.
    static func forEachRow(_ text: String, _ body: (TabularRow) throws -> Void) rethrows {
        var text = text
        try text.withUTF8 { bytes in
            var row = TabularRow(bytes: bytes)
            var start = 0
            var escaped = false
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == 0x09 || byte == 0x0A else {
                    if byte == 0x5C { escaped = true }
                    continue
                }
                row.fields.append((start, index, escaped))
                escaped = false
                start = index + 1
                if byte == 0x0A {
                    try body(row)
                    row.fields.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    static func escape(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A }) else { return field }
        return field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var result = ""
        var escaping = false
        for character in field {
            if escaping {
                result.append(character == "t" ? "\t" : character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// One row of a ``TabularText`` being read (valid only inside ``TabularText/forEachRow(_:_:)``).
struct TabularRow {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Each field's byte range and whether it holds an escape.
    var fields: [(start: Int, end: Int, escaped: Bool)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        fields.reserveCapacity(32)
    }

    var count: Int { fields.count }

    /// Field `index` as text, from its `offset`-th byte.
    func string(_ index: Int, droppingFirst offset: Int = 0) -> String {
        let field = fields[index]
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(field.start + offset)..<field.end]), as: UTF8.self)
        return field.escaped ? TabularText.unescape(text[...]) : text
    }

    /// A field written as `=value` for a present value and empty for nil.
    func optional(_ index: Int) -> String? {
        fields[index].start == fields[index].end ? nil : string(index, droppingFirst: 1)
    }

    /// Field `index` as a decimal integer (0 when it is not one).
    func int(_ index: Int) -> Int {
        var value = 0
        for byte in bytes[fields[index].start..<fields[index].end] {
            guard byte >= 0x30, byte <= 0x39 else { return 0 }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Whether field `index` is exactly `text` (UTF-8).
    func equals(_ index: Int, _ text: [UInt8]) -> Bool {
        let field = fields[index]
        return field.end - field.start == text.count && bytes[field.start..<field.end].elementsEqual(text)
    }
}
