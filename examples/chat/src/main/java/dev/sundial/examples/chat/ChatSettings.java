package dev.sundial.examples.chat;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The chat service's settings ({@code chat.*}).
 *
 * @param tenants the tenants served, each a Sundial namespace (created when missing)
 * @param breakerFailures consecutive model failures that open the circuit breaker
 * @param breakerOpenFor how long it stays open before a half-open probe
 */
@ConfigurationProperties("chat")
public record ChatSettings(List<String> tenants, String taskQueue, int contextWindow,
    Duration idleTimeout, int continueAfter, int maxMessageLength, List<String> blockedWords,
    int breakerFailures, Duration breakerOpenFor, Duration recoveryEvery, Duration giveUpAfter,
    Duration cleanupEvery, Duration archiveAfter, Duration deleteAfter) {}
