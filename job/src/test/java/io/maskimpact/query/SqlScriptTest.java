package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String sql = """
                -- a comment; not a split
                SELECT ';' AS a, "b;c" AS `d;e`; /* block; comment */
                SELECT 'it\\'s;' ;
                ;
                -- only a comment
                """;
        assertThat(SqlScript.split(sql)).containsExactly(
                "-- a comment; not a split\nSELECT ';' AS a, \"b;c\" AS `d;e`",
                "/* block; comment */\nSELECT 'it\\'s;'");
    }

    @Test
    void oneStatementWithoutSemicolon() {
        assertThat(SqlScript.split("  SELECT 1  ")).containsExactly("SELECT 1");
        assertThat(SqlScript.split("  -- nothing\n ")).isEmpty();
    }

    @Test
    void aScanKeepsTheUnfinishedStatementAfterTheLastSemicolon() {
        SqlScript.Scan scan = SqlScript.scan("SELECT 1; SELECT 'a;\nb");
        assertThat(scan.statements()).containsExactly("SELECT 1");
        assertThat(scan.rest()).as("an open quote continues the statement").isEqualTo("SELECT 'a;\nb");
        assertThat(SqlScript.scan("SELECT 2;\n-- done\n").rest()).as("comments after the last statement").isEmpty();
    }
}
