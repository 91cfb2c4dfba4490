package dev.sundial.engine.visibility.query;

/** A lexical token and where it starts (1-based character position in the query). */
record Token(Kind kind, String text, int position) {
  enum Kind {
    /** A bare word: an attribute name or a keyword (AND, IN, ...), case-insensitive for keywords. */
    WORD,
    /** A name in backticks (never a keyword); text is the unquoted name. */
    QUOTED_NAME,
    /** A string in single or double quotes; text is the unescaped value. */
    STRING,
    /** Unsigned number as written. */
    NUMBER,
    /** One of = != <> < <= > >= ( ) , - + */
    SYMBOL,
    END
  }

  boolean isWord(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }

  boolean isSymbol(String symbol) {
    return kind == Kind.SYMBOL && text.equals(symbol);
  }

  /** How the token is quoted in error messages. */
  String describe() {
    return switch (kind) {
      case END -> "end of query";
      case STRING -> "string '" + text + "'";
      case QUOTED_NAME -> "`" + text + "`";
      default -> "'" + text + "'";
    };
  }
}
