@testable import Manifests
import Yams

/// The parser mlgitops used until December 2026: Yams' composer, then a conversion. Kept as
/// the reference the event-driven ``YAMLDocument`` must agree with, node for node.
enum YamsComposedDocument {
    /// What parsing a file gave.
    typealias Outcome = YAMLDocument.Outcome

    /// Parses `bytes` (UTF-8). Tags are resolved here, not by Yams' regular-expression resolver.
    static func parse(_ bytes: [UInt8]) -> Outcome {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let root = try Yams.compose(yaml: text, Resolver.basic)
            return .parsed(root.map(convert))
        } catch let error as YamlError {
            return describe(error)
        } catch {
            return .syntaxError(message: "\(error)", line: 1, column: 1)
        }
    }

    private static func describe(_ error: YamlError) -> Outcome {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = problem
            if let context { message = "\(context.text) (line \(context.mark.line)): \(problem)" }
            return .syntaxError(message: message, line: mark.line, column: mark.column)
        case .reader(let problem, let offset, let value, _):
            return .syntaxError(message: "\(problem) (byte \(offset ?? 0), value \(value))", line: 1, column: 1)
        default:
            return .syntaxError(message: "\(error)", line: 1, column: 1)
        }
    }

    private static func convert(_ node: Node) -> YAMLNode {
        let mark = node.mark
        let line = mark?.line ?? 1, column = mark?.column ?? 1
        switch node {
        case .scalar(let scalar):
            return YAMLNode(value: .scalar(resolve(scalar)), line: line, column: column)
        case .sequence(let sequence):
            return YAMLNode(value: .sequence(sequence.map(convert)), line: line, column: column)
        case .mapping(let mapping):
            var entries: [YAMLEntry] = []
            var merged: [YAMLEntry] = []
            for (key, value) in mapping {
                let keyText = key.string ?? ""
                let converted = convert(value)
                if keyText == "<<", key.scalar?.style == .plain {
                    // PyYAML merge keys: entries of the merged mapping(s) fill in missing keys.
                    let sources = converted.items ?? [converted]
                    for source in sources { merged.append(contentsOf: source.entries ?? []) }
                    continue
                }
                let keyMark = key.mark
                entries.append(YAMLEntry(
                    key: keyText, keyLine: keyMark?.line ?? line, keyColumn: keyMark?.column ?? column, value: converted))
            }
            for entry in merged where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
            return YAMLNode(value: .mapping(entries), line: line, column: column)
        }
    }

    private static func resolve(_ scalar: Node.Scalar) -> YAMLScalar {
        let text = scalar.string
        switch scalar.tag.description {
        case Tag.Name.implicit.rawValue:
            // Untagged: plain scalars get their YAML 1.1 type, quoted ones are strings.
            return YAMLScalar(text: text, kind: scalar.style == .plain ? YAMLScalarResolver.kind(ofPlain: text) : .string)
        case Tag.Name.int.rawValue: return YAMLScalar(text: text, kind: .int)
        case Tag.Name.float.rawValue: return YAMLScalar(text: text, kind: .float)
        case Tag.Name.bool.rawValue: return YAMLScalar(text: text, kind: .bool)
        case Tag.Name.null.rawValue: return YAMLScalar(text: text, kind: .null)
        default: return YAMLScalar(text: text, kind: .string)
        }
    }
}
