package dev.sundial.cli.client;

import java.time.Duration;
import java.util.Map;

/** Resolved connection settings of a client command (see {@link ClientOptions}). */
public record ClientSettings(
    String address,
    String namespace,
    String apiKey,
    Map<String, String> grpcMeta,
    boolean tls,
    String tlsCertPath,
    String tlsKeyPath,
    String tlsCaPath,
    String tlsCertData,
    String tlsKeyData,
    String tlsCaData,
    String tlsServerName,
    boolean tlsDisableHostVerification,
    Duration commandTimeout,
    String identity) {}
