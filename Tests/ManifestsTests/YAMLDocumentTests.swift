import Foundation
import Testing
import TestSupport

@testable import Manifests

/// The event-driven parser gives what Yams' composer and the old conversion gave: the same
/// nodes, marks, types and error messages, so no diagnostic or hash moved when it replaced them.
@Suite struct YAMLDocumentTests {
    /// Inputs that exercise every branch of the composer and of libyaml's errors.
    static let edgeCases: [String] = [
        "", "# only a comment\n", "---\n", "--- \n...\n", "a: 1\n", "- a\n- b\n", "plain scalar",
        "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
        "one: &o {a: 1}\ntwo: &t {b: 2}\nall:\n  <<: [*o, *t]\n  c: 3\n",
        "m: &m {a: 1}\nq:\n  \"<<\": *m\n",
        "k: &k <<\nm: {a: 1}\nn:\n  *k : {z: 1}\n",
        "s: &s [1, 2]\nt: *s\nu: &s x\nv: *s\n",
        "a: *missing\n",
        "i: !!int \"5\"\nf: !!float '1.5'\nb: !!bool yes\nn: !!null ''\nstr: !!str 5\nc: !custom 7\nns: ! 8\n",
        "t: yes\nf: off\nn: ~\ni: 0x1F\no: 017\nfl: 1.5e3\ninf: .inf\nd: 2024-01-02\ns: '1'\n",
        "lit: |\n  line one\n  line two\nfold: >-\n  folded\n  text\n",
        "? [a, b]\n: complex key\n? {x: 1}\n: mapping key\n",
        "dup: 1\ndup: 2\n",
        "unicode: \"é ü 日本\"\nκλειδί: τιμή\n",
        "a: 1\r\nb: 2\r\n",
        "\u{FEFF}a: 1\n",
        "first: 1\n---\nsecond: 2\n",
        "a: [unclosed\n", "a: 'unclosed\n", "a:\n\t- tab\n", "a: b: c\n", "- a\nb: c\n", "&a [*a]\n", "key: @reserved\n",
        "a: \u{01}\n", "a: \"\\x\"\n", "%YAML 1.1\n---\na: 1\n", "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
        "é: \u{00}\n",
    ]

    @Test func edgeCasesParseAsYamsComposedThem() {
        for input in Self.edgeCases {
            Self.expectSame(Array(input.utf8), name: input.debugDescription)
        }
        // Bytes that are not UTF-8 read as U+FFFD in both.
        Self.expectSame([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], name: "invalid UTF-8")
    }

    @Test func everyRepositoryFileParsesAsYamsComposedIt() throws {
        let count = try RepositoryYAMLFiles.forEach(including: ["schemas"]) { file, bytes in Self.expectSame(bytes, name: file) }
        #expect(count >= RepositoryYAMLFiles.expectedAtLeast, "found only \(count) YAML files to compare")
    }

    static func expectSame(_ bytes: [UInt8], name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        switch (YAMLDocument.parse(bytes), YamsComposedDocument.parse(bytes)) {
        case (.parsed(let new), .parsed(let old)):
            #expect(new == old, "\(name)", sourceLocation: sourceLocation)
        case (.syntaxError(let message, let line, let column), .syntaxError(let oldMessage, let oldLine, let oldColumn)):
            #expect(message == oldMessage, "\(name)", sourceLocation: sourceLocation)
            #expect(line == oldLine && column == oldColumn, "\(name): \(line):\(column), was \(oldLine):\(oldColumn)", sourceLocation: sourceLocation)
        case (let new, let old):
            Issue.record("\(name): \(new), was \(old)", sourceLocation: sourceLocation)
        }
    }
}
