package dev.sundial.engine.visibility.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a query into tokens following the MySQL-flavoured SQL Temporal's list filter uses:
 * strings in single or double quotes with backslash escapes or doubled quotes, names in
 * backticks, bare words, unsigned numbers (decimal, fraction, exponent) and operators.
 */
final class Lexer {
  private final String in;
  private int pos;

  private Lexer(String in) {
    this.in = in;
  }

  static List<Token> tokenize(String query) {
    return new Lexer(query).all();
  }

  private List<Token> all() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= in.length()) {
        tokens.add(new Token(Token.Kind.END, "", pos + 1));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipSpace() {
    while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
      pos++;
    }
  }

  private Token next() {
    int start = pos;
    char c = in.charAt(pos);
    if (c == '\'' || c == '"') {
      return new Token(Token.Kind.STRING, quoted(c), start + 1);
    }
    if (c == '`') {
      String name = quoted('`');
      if (name.isEmpty()) {
        throw new QueryException("empty name in backticks at position " + (start + 1));
      }
      return new Token(Token.Kind.QUOTED_NAME, name, start + 1);
    }
    if (isDigit(c) || (c == '.' && pos + 1 < in.length() && isDigit(in.charAt(pos + 1)))) {
      return number();
    }
    if (Character.isLetter(c) || c == '_' || c == '$') {
      while (pos < in.length() && isWordChar(in.charAt(pos))) {
        pos++;
      }
      return new Token(Token.Kind.WORD, in.substring(start, pos), start + 1);
    }
    for (String op : new String[] {"<=", ">=", "!=", "<>", "=", "<", ">", "(", ")", ",", "-", "+"}) {
      if (in.startsWith(op, pos)) {
        pos += op.length();
        return new Token(Token.Kind.SYMBOL, op, start + 1);
      }
    }
    throw new QueryException(
        "unexpected character '" + new String(Character.toChars(in.codePointAt(pos)))
            + "' at position " + (start + 1));
  }

  private Token number() {
    int start = pos;
    while (pos < in.length() && isDigit(in.charAt(pos))) pos++;
    if (pos < in.length() && in.charAt(pos) == '.') {
      pos++;
      while (pos < in.length() && isDigit(in.charAt(pos))) pos++;
    }
    if (pos < in.length() && (in.charAt(pos) == 'e' || in.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < in.length() && (in.charAt(pos) == '+' || in.charAt(pos) == '-')) pos++;
      if (pos < in.length() && isDigit(in.charAt(pos))) {
        while (pos < in.length() && isDigit(in.charAt(pos))) pos++;
      } else {
        pos = mark; // not an exponent after all
      }
    }
    if (pos < in.length() && isWordChar(in.charAt(pos))) {
      while (pos < in.length() && isWordChar(in.charAt(pos))) pos++;
      throw new QueryException(
          "malformed number '" + in.substring(start, pos) + "' at position " + (start + 1));
    }
    return new Token(Token.Kind.NUMBER, in.substring(start, pos), start + 1);
  }

  /** Reads a quoted run starting at the opening quote; returns the unescaped content. */
  private String quoted(char quote) {
    int start = pos;
    pos++; // opening quote
    StringBuilder b = new StringBuilder();
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == quote) {
        if (pos + 1 < in.length() && in.charAt(pos + 1) == quote) {
          b.append(quote); // doubled quote
          pos += 2;
          continue;
        }
        pos++;
        return b.toString();
      }
      if (c == '\\' && quote != '`') {
        if (pos + 1 >= in.length()) {
          break;
        }
        char e = in.charAt(pos + 1);
        switch (e) {
          case '0' -> b.append('\0');
          case 'b' -> b.append('\b');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'Z' -> b.append('\u001a');
          case '%', '_' -> b.append('\\').append(e); // MySQL keeps these escaped
          default -> b.append(e);
        }
        pos += 2;
        continue;
      }
      b.append(c);
      pos++;
    }
    String what = quote == '`' ? "name" : "string";
    throw new QueryException(
        "unterminated " + what + " starting at position " + (start + 1) + " (missing " + quote
            + ")");
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
