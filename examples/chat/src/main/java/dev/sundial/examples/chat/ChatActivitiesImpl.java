package dev.sundial.examples.chat;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

@Component("chatActivities")
public class ChatActivitiesImpl implements ChatActivities {
  private final ChatStore store;
  private final ChatSettings settings;

  public ChatActivitiesImpl(ChatStore store, ChatSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Override
  public String sanitise(String content) {
    String text = content == null ? "" : content.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "").strip();
    if (text.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("the message is empty", "InvalidMessage");
    }
    if (text.length() > settings.maxMessageLength()) {
      throw ApplicationFailure.newNonRetryableFailure("the message is " + text.length()
          + " characters; the limit is " + settings.maxMessageLength(), "InvalidMessage");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String word : settings.blockedWords()) {
      if (!word.isBlank() && lower.contains(word.toLowerCase(Locale.ROOT))) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the message was not accepted by the content policy", "InvalidMessage");
      }
    }
    return text;
  }

  @Override
  public List<String> relatedMessages(String tenant, String sessionId, String content) {
    Set<String> words = words(content);
    List<String> related = new ArrayList<>();
    for (String earlier : store.userMessages(tenant, sessionId, 200)) {
      Set<String> shared = words(earlier);
      shared.retainAll(words);
      if (!shared.isEmpty() && !earlier.equals(content) && related.size() < 3) related.add(earlier);
    }
    return related;
  }

  /** The words of four letters or more, lower case. */
  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 4) words.add(w);
    }
    return words;
  }

  @Override
  public void saveExchange(String tenant, String sessionId, String messageId, String user,
      String assistant, String status) {
    store.saveExchange(tenant, sessionId, messageId, user, assistant, status);
  }

  @Override
  public void answerPending(String tenant, String messageId, String assistant) {
    store.answer(tenant, messageId, assistant);
  }

  @Override
  public void deadLetter(String tenant, String sessionId, String messageId, String content,
      String error) {
    store.deadLetter(tenant, sessionId, messageId, content, error);
  }

  @Override
  public void archiveSession(String tenant, String sessionId, String reason) {
    store.archiveSession(tenant, sessionId);
    store.audit(tenant, "system", "session.archived", sessionId + " (" + reason + ")");
  }

  @Override
  public List<String> inactiveSessions(String tenant, long cutoff, int limit) {
    return store.inactiveSessions(tenant, cutoff, limit);
  }

  @Override
  public int deleteExpiredSessions(String tenant, long cutoff, int limit) {
    List<String> expired = store.expiredSessions(tenant, cutoff, limit);
    expired.forEach(id -> store.deleteSession(tenant, id));
    if (!expired.isEmpty()) store.audit(tenant, "system", "sessions.deleted", expired.size() + " expired");
    return expired.size();
  }
}
