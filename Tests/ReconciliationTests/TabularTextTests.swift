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
    }

    @Test func noRowsIsAnEmptyText() {
        #expect(TabularText.encode([]) == "")
        #expect(TabularText.decode("").isEmpty)
    }
}
