import Testing

@testable import Reconciliation

@Suite struct TabularTextTests {
    @Test func fieldsWithTabsNewlinesBackslashesAndNothingComeBackAsWritten() {
        let rows = [
            ["plain", "", "with\ttab", "with\nnewline", "back\\slash", "\\t literally", "ünïcødé ✓"],
            [""],
            ["one"],
            ["a", "", ""],
        ]
        #expect(TabularText.decode(TabularText.encode(rows)) == rows)
        // Read row by row, field by field, as the baseline's actions are.
        var read: [[String]] = []
        TabularText.forEachRow(TabularText.encode(rows)) { row in read.append((0..<row.count).map { row.string($0) }) }
        #expect(read == rows)
    }

    @Test func rowsReadInPlaceGiveOptionalsNumbersAndMatches() {
        let text = TabularText.encode([["42", "=present\tvalue", "", "x7", "job"], ["=", "007"]])
        var rows = 0
        TabularText.forEachRow(text) { row in
            rows += 1
            if rows == 1 {
                #expect(row.int(0) == 42)
                #expect(row.optional(1) == "present\tvalue")
                #expect(row.optional(2) == nil)
                #expect(row.int(3) == 0, "not a number")
                #expect(row.equals(4, Array("job".utf8)) && !row.equals(4, Array("jobs".utf8)) && !row.equals(4, Array("jo".utf8)))
            } else {
                #expect(row.optional(0) == "", "present and empty is not absent")
                #expect(row.int(1) == 7)
            }
        }
        #expect(rows == 2)
    }

    @Test func noRowsIsAnEmptyText() {
        #expect(TabularText.encode([]) == "")
        #expect(TabularText.decode("").isEmpty)
    }
}
