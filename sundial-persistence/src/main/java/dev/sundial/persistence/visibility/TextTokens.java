package dev.sundial.persistence.visibility;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How Text search attributes are matched: split into words at every character that is not a
 * letter or digit, lower-cased (like a full-text index with a simple unicode tokenizer). A Text
 * filter {@code Attr = 'a b'} matches a value containing the word a or the word b.
 */
public final class TextTokens {
  private TextTokens() {}

  /** The distinct words of a text, in order of first appearance. */
  public static List<String> tokenize(String text) {
    Set<String> words = new LinkedHashSet<>();
    StringBuilder word = new StringBuilder();
    text.codePoints()
        .forEach(
            cp -> {
              if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(cp);
              } else if (word.length() > 0) {
                words.add(word.toString().toLowerCase(Locale.ROOT));
                word.setLength(0);
              }
            });
    if (word.length() > 0) {
      words.add(word.toString().toLowerCase(Locale.ROOT));
    }
    return new ArrayList<>(words);
  }
}
