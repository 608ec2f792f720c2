/// A `${{ ... }}` data binding found in a string.
struct BindingExpression: Sendable, Hashable {
    /// The inner text with surrounding spaces removed, e.g. `parent.jobs.prep.outputs.clean`.
    var expression: String
    /// Whether it sits inside an optional `$[[ ... ]]` block (its input may be left out).
    var isOptional: Bool

    /// The dot-separated parts of the expression.
    var parts: [Substring] { expression.split(separator: ".", omittingEmptySubsequences: false) }

    /// Every binding in `text`, in order.
    static func all(in text: String) -> [BindingExpression] {
        guard text.utf8.count >= 5 else { return [] }
        let bytes = Array(text.utf8)
        // A byte scan: `String.contains` goes through Foundation's `range(of:)` here, which was 4%
        // of a 10,000-manifest plan for strings that mostly hold no binding.
        guard bytes.indices.dropLast(2).contains(where: {
            bytes[$0] == UInt8(ascii: "$") && bytes[$0 + 1] == UInt8(ascii: "{") && bytes[$0 + 2] == UInt8(ascii: "{")
        }) else { return [] }
        var result: [BindingExpression] = []
        var optionalDepth = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), index + 2 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "["), bytes[index + 2] == UInt8(ascii: "[") {
                    optionalDepth += 1
                    index += 3
                    continue
                }
                if bytes[index + 1] == UInt8(ascii: "{"), bytes[index + 2] == UInt8(ascii: "{") {
                    var end = index + 3
                    while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "}") && bytes[end + 1] == UInt8(ascii: "}")) { end += 1 }
                    guard end + 1 < bytes.count else { break }
                    let inner = String(decoding: bytes[(index + 3)..<end], as: UTF8.self)
                    let trimmed = inner.trimmingSpaces
                    result.append(BindingExpression(expression: trimmed, isOptional: optionalDepth > 0))
                    index = end + 2
                    continue
                }
            }
            if bytes[index] == UInt8(ascii: "]"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "]"), optionalDepth > 0 {
                optionalDepth -= 1
                index += 2
                continue
            }
            index += 1
        }
        return result
    }

    /// The binding when `text` is exactly one `${{ ... }}` and nothing else.
    static func whole(_ text: String) -> BindingExpression? {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return nil }
        let found = all(in: trimmed)
        guard found.count == 1 else { return nil }
        return found[0]
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
