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
        var text = text
        return text.withUTF8 { bytes in
            var rows: [[String]] = []
            var fields: [String] = []
            var start = 0
            var escaped = false
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == 0x09 || byte == 0x0A else {
                    if byte == 0x5C { escaped = true }
                    continue
                }
                let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                fields.append(escaped ? unescape(field[...]) : field)
                escaped = false
                start = index + 1
                if byte == 0x0A {
                    rows.append(fields)
                    fields = []
                }
            }
            return rows
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
