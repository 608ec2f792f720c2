import Foundation

/// A step's command with `${{inputs.x}}` and `${{outputs.y}}` replaced by values and paths, as
/// Azure ML does before it runs it. An optional block `$[[ ... ]]` is kept (without its
/// brackets) only when every input it names was given, so `$[[--lr ${{inputs.lr}}]]`
/// disappears for a missing `lr`.
struct CommandTemplate: Sendable {
    var text: String

    init(_ text: String) { self.text = text }

    func render(inputs: [String: String], outputs: [String: String]) throws(BindingError) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "$[[") {
            result += try substitute(rest[..<open.lowerBound], inputs, outputs, optional: false) ?? ""
            guard let close = rest[open.upperBound...].range(of: "]]") else {
                throw BindingError(description: "the command opens an optional block `$[[` that never closes with `]]`")
            }
            result += try substitute(rest[open.upperBound..<close.lowerBound], inputs, outputs, optional: true) ?? ""
            rest = rest[close.upperBound...]
        }
        result += try substitute(rest, inputs, outputs, optional: false) ?? ""
        return result
    }

    /// The text with its references replaced; nil for an optional block that names a missing input.
    private func substitute(
        _ text: Substring, _ inputs: [String: String], _ outputs: [String: String], optional: Bool
    ) throws(BindingError) -> String? {
        var result = ""
        var rest = text
        while let open = rest.range(of: "${{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw BindingError(description: "the command opens `${{` without a closing `}}`")
            }
            let reference = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
            let table = parts.first == "inputs" ? inputs : parts.first == "outputs" ? outputs : nil
            guard parts.count == 2, let table else {
                throw BindingError(description: "the command uses ${{\(reference)}}; a command can use only ${{inputs.<name>}} and ${{outputs.<name>}}")
            }
            guard let value = table[parts[1]] else {
                if optional { return nil }
                throw BindingError(
                    description: "the command uses ${{\(reference)}} but the step declares no \(parts[0].dropLast()) `\(parts[1])`; declare it, or wrap the flag in $[[...]] to make it optional")
            }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
