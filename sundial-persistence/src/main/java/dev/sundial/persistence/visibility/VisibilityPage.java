package dev.sundial.persistence.visibility;

import java.util.List;

/**
 * One page of a list query: the stored execution descriptions in order, and the token for the
 * next page (null when the store knows there is no more; a full page always carries a token).
 */
public record VisibilityPage(List<byte[]> executions, byte[] nextPageToken) {
  public VisibilityPage {
    executions = List.copyOf(executions);
  }
}
