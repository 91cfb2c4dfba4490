package dev.sundial.cli.client;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/** The flags of a list command ({@code --query}, {@code --limit}, {@code --page-size}) and its paging. */
public final class ListOptions {
  @Option(names = {"-q", "--query"}, paramLabel = "<query>", description = "List filter (visibility query).")
  public String query = "";

  @Option(names = "--limit", paramLabel = "<n>", description = "At most this many. Default: all.")
  Integer limit;

  @Option(names = "--page-size", paramLabel = "<n>", description = "Rows fetched per call. Default: 100.")
  int pageSize = 100;

  /** One page of a list call: its rows and the next page's token (empty at the end). */
  public record Page<T>(List<T> rows, ByteString nextPageToken) {}

  public void validate() {
    if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be at least 1");
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("--page-size must be between 1 and 1000");
    }
  }

  /** Every row up to --limit, calling {@code page} with the size wanted and the token. */
  public <T> List<T> collect(BiFunction<Integer, ByteString, Page<T>> page) {
    List<T> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      int want = limit == null ? pageSize : Math.min(pageSize, limit - all.size());
      Page<T> p = page.apply(want, token);
      for (T row : p.rows()) {
        if (limit != null && all.size() >= limit) break;
        all.add(row);
      }
      token = p.nextPageToken();
    } while (!token.isEmpty() && (limit == null || all.size() < limit));
    return all;
  }
}
