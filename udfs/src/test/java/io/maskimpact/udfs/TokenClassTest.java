package io.maskimpact.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TokenClassTest {

    @ParameterizedTest(name = "''{0}'' (marks word starts: {1}) is {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "<image>        ; false ; special",
        "</s>           ; false ; special",
        "<|im_start|>   ; false ; special",
        "[CLS]          ; false ; special",
        "\"\"           ; false ; special",
        "\" \"          ; false ; space",
        "\u2581         ; false ; space",
        "\u010A         ; false ; space",
        "?              ; false ; punctuation",
        "\" ,\"         ; true  ; punctuation",
        "\u0120...      ; true  ; punctuation",
        "<              ; false ; punctuation",
        "42             ; false ; number",
        "\" 3.14\"      ; true  ; number",
        "the            ; false ; stopword",
        "The            ; false ; stopword",
        "\" the\"       ; true  ; stopword",
        "\u2581of       ; true  ; stopword",
        "circle         ; false ; word",
        "\" circle\"    ; true  ; word",
        "\u0120circle   ; true  ; word",
        "ing            ; true  ; wordpiece",
        "the            ; true  ; wordpiece",
        "##ing          ; false ; wordpiece",
        "##             ; false ; punctuation",
        "ing            ; false ; word",
    })
    void classifiesTokenText(String text, boolean marksWordStarts, String expected) {
        assertThat(TokenClass.of(text, marksWordStarts).sqlName())
                .as("class of '%s'", text)
                .isEqualTo(expected);
    }

    @Test
    void nullTextHasNoClass() {
        assertThat(TokenClass.of(null)).isNull();
    }
}
