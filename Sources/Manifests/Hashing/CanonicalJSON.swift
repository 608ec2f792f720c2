/// A JSON value written one way only: object keys sorted byte-wise, no spaces, arrays in order.
/// It is what every definition hash is computed over.
indirect enum CanonicalJSON: Sendable, Hashable {
    case string(String)
    /// A number as canonical text (integers as written in base 10).
    case number(String)
    case bool(Bool)
    case null
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// Builds an object, dropping nil members (absent and null hash the same).
    static func object(_ members: [(String, CanonicalJSON?)]) -> CanonicalJSON {
        var result: [String: CanonicalJSON] = [:]
        for (key, value) in members { if let value { result[key] = value } }
        return .object(result)
    }

    static func optional(_ text: String?) -> CanonicalJSON? { text.map(CanonicalJSON.string) }
    static func optional(_ number: Int?) -> CanonicalJSON? { number.map { .number(String($0)) } }

    /// A YAML value as JSON: mappings sorted, scalars by their YAML type.
    init(_ node: YAMLNode) {
        switch node.value {
        case .mapping(let entries):
            var members: [String: CanonicalJSON] = [:]
            for entry in entries { members[entry.key] = CanonicalJSON(entry.value) }
            self = .object(members)
        case .sequence(let items):
            self = .array(items.map(CanonicalJSON.init))
        case .scalar(let scalar):
            switch scalar.kind {
            case .null: self = .null
            case .bool: self = .bool(scalar.boolValue ?? false)
            case .int: self = .number(scalar.intValue.map(String.init) ?? scalar.text)
            case .float: self = .number(scalar.doubleValue.map { "\($0)" } ?? scalar.text)
            case .string, .timestamp: self = .string(scalar.text)
            }
        }
    }

    /// This value (the node at `prefix`) with the values at the given field paths replaced, and
    /// the top-level `excluded` members removed.
    func substituting(_ replacements: [String: CanonicalJSON], under prefix: String, excluding excluded: Set<String> = []) -> CanonicalJSON {
        var result = self
        if case .object(var members) = result {
            for key in excluded { members[key] = nil }
            result = .object(members)
        }
        let lead = prefix.isEmpty ? "" : prefix + "."
        for (path, value) in replacements {
            if path == prefix { return value }
            guard path.hasPrefix(lead) else { continue }
            let segments = path.dropFirst(lead.count).split(separator: ".").map(String.init)
            if let first = segments.first, excluded.contains(first) { continue }
            result = result.replacing(segments[...], with: value)
        }
        return result
    }

    private func replacing(_ segments: ArraySlice<String>, with value: CanonicalJSON) -> CanonicalJSON {
        guard let first = segments.first else { return value }
        guard case .object(var members) = self, let child = members[first] else { return self }
        members[first] = child.replacing(segments.dropFirst(), with: value)
        return .object(members)
    }

    /// The compact text.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let value): Self.quote(value, into: &out)
        case .number(let value): out += value
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
