/// Gives plain scalars their YAML 1.1 type exactly as PyYAML's resolver does, without regular
/// expressions (they are slow, and this runs for every scalar of every manifest).
enum YAMLScalarResolver {
    static let trueWords: Set<String> = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    static let falseWords: Set<String> = ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The type of a plain (unquoted) scalar.
    static func kind(ofPlain text: String) -> YAMLScalar.Kind {
        if nullWords.contains(text) { return .null }
        if trueWords.contains(text) || falseWords.contains(text) { return .bool }
        guard let first = text.utf8.first else { return .string }
        // Every other typed form starts with a digit, a sign or a dot.
        guard isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        else { return .string }
        if integer(text) != nil || isYAMLInteger(text) { return .int }
        if isYAMLFloat(text) { return .float }
        if isTimestamp(text) { return .timestamp }
        return .string
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// The value of a YAML 1.1 integer, or nil when `text` is not one that fits in `Int`.
    static func integer(_ text: String) -> Int? {
        var b = Array(text.utf8)
        var negative = false
        if let first = b.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            b.removeFirst()
        }
        guard let first = b.first, isDigit(first) else { return nil }
        func parse(_ digits: ArraySlice<UInt8>, radix: Int, allowed: (UInt8) -> Bool) -> Int? {
            guard !digits.isEmpty, digits.allSatisfy({ allowed($0) || $0 == UInt8(ascii: "_") }) else { return nil }
            let clean = digits.filter { $0 != UInt8(ascii: "_") }
            guard !clean.isEmpty else { return nil }
            return Int(String(decoding: clean, as: UTF8.self), radix: radix)
        }
        let value: Int?
        if b.count >= 2, first == UInt8(ascii: "0"), b[1] == UInt8(ascii: "b") {
            value = parse(b[2...], radix: 2) { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
        } else if b.count >= 2, first == UInt8(ascii: "0"), b[1] == UInt8(ascii: "x") {
            value = parse(b[2...], radix: 16) { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }
        } else if b.count == 1, first == UInt8(ascii: "0") {
            value = 0
        } else if first == UInt8(ascii: "0") {
            value = parse(b[1...], radix: 8) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
        } else if b.contains(UInt8(ascii: ":")) {
            value = sexagesimal(b, negative: false)
        } else {
            value = parse(b[...], radix: 10, allowed: isDigit)
        }
        return value.map { negative ? -$0 : $0 }
    }

    /// `190:20:30` style integers (base 60), which YAML 1.1 still has.
    private static func sexagesimal(_ bytes: [UInt8], negative: Bool) -> Int? {
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard let head = parts.first, let firstDigit = head.first, firstDigit != UInt8(ascii: "0"), isDigit(firstDigit)
        else { return nil }
        var value = 0
        for (index, part) in parts.enumerated() {
            let clean = part.filter { $0 != UInt8(ascii: "_") }
            guard !clean.isEmpty, clean.allSatisfy(isDigit), let n = Int(String(decoding: clean, as: UTF8.self))
            else { return nil }
            if index > 0, part.count > 2 || n > 59 { return nil }
            value = value * 60 + n
        }
        return negative ? -value : value
    }

    /// Integers too large for `Int` but still YAML integers.
    private static func isYAMLInteger(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes.removeFirst() }
        guard let first = bytes.first, first != UInt8(ascii: "0"), isDigit(first) else { return false }
        return bytes.allSatisfy { isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// PyYAML's float: a dot is required (`1e5` is a string), an exponent needs its sign.
    static func isYAMLFloat(_ text: String) -> Bool { float(text) != nil }

    /// The value of a YAML 1.1 float, or nil when `text` is not one.
    static func float(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        var sign = 1.0
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            if first == UInt8(ascii: "-") { sign = -1 }
            bytes.removeFirst()
        }
        let body = String(decoding: bytes, as: UTF8.self)
        if [".inf", ".Inf", ".INF"].contains(body) { return sign * .infinity }
        if [".nan", ".NaN", ".NAN"].contains(body), sign == 1, text.first == "." { return .nan }
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let integerPart = bytes[..<dot]
        if integerPart.contains(UInt8(ascii: ":")) { return nil }  // base-60 floats: not in Azure ML files
        var index = dot + 1
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_") { index += 1 }
        let fraction = bytes[(dot + 1)..<index]
        if integerPart.isEmpty {
            guard let firstFraction = fraction.first, isDigit(firstFraction) else { return nil }
        } else {
            guard let first = integerPart.first, isDigit(first),
                  integerPart.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") }) else { return nil }
        }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"),
                  bytes.count > index + 2, bytes[index + 1] == UInt8(ascii: "-") || bytes[index + 1] == UInt8(ascii: "+"),
                  bytes[(index + 2)...].allSatisfy(isDigit)
            else { return nil }
        }
        let cleaned = String(decoding: bytes.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let normalised = cleaned.hasPrefix(".") ? "0" + cleaned : cleaned
        return Double(normalised).map { sign * $0 }
    }

    /// PyYAML's timestamp: `2024-01-31`, or a date and time with optional fraction and zone.
    static func isTimestamp(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= b.count && b[range].allSatisfy(isDigit) }
        guard b.count >= 8, digits(0..<4), b[4] == UInt8(ascii: "-") else { return false }
        if b.count == 10, digits(5..<7), b[7] == UInt8(ascii: "-"), digits(8..<10) { return true }
        // Long form: month and day may have one digit.
        var i = 5
        func number(maxDigits: Int) -> Bool {
            let start = i
            while i < b.count, isDigit(b[i]), i - start < maxDigits { i += 1 }
            return i > start
        }
        guard number(maxDigits: 2), i < b.count, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard number(maxDigits: 2), i < b.count else { return false }
        if b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") {
            i += 1
        } else if b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") {
            while i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
        } else {
            return false
        }
        guard number(maxDigits: 2), i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard digits(i..<(i + 2)) else { return false }
        i += 2
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard digits(i..<(i + 2)) else { return false }
        i += 2
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        while i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") else { return false }
        i += 1
        guard number(maxDigits: 2) else { return false }
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard digits(i..<(i + 2)) else { return false }
            i += 2
        }
        return i == b.count
    }
}
