package dev.sundial.server.frontend;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.sundial.persistence.access.ApiKeyRecord;
import dev.sundial.persistence.access.UserRecord;
import dev.sundial.persistence.audit.AuditQuery;
import dev.sundial.persistence.audit.AuditRecord;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.ApiKey;
import dev.sundial.server.admin.proto.CreateApiKeyResponse;
import dev.sundial.server.admin.proto.CreateUserResponse;
import dev.sundial.server.admin.proto.DeleteUserResponse;
import dev.sundial.server.admin.proto.GetLogLevelResponse;
import dev.sundial.server.admin.proto.ListApiKeysResponse;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import dev.sundial.server.admin.proto.ListAuditRecordsResponse;
import dev.sundial.server.admin.proto.ListUsersResponse;
import dev.sundial.server.admin.proto.RevokeApiKeyResponse;
import dev.sundial.server.admin.proto.SetLogLevelResponse;
import dev.sundial.server.admin.proto.User;
import dev.sundial.server.audit.AuditLog;
import dev.sundial.server.logging.LogLevels;
import dev.sundial.server.security.ApiKeys;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.Grants;
import dev.sundial.server.security.Principal;
import dev.sundial.server.security.Users;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** Sundial's administration service (see {@link AdminApi}): API keys, UI users, the audit log. */
public final class AdminFrontend {
  private static final int MAX_PAGE = 1000;
  private final ApiKeys apiKeys;
  private final Users users;
  private final AuditLog audit;
  private final LogLevels logLevels; // null: the embedding application manages logging

  public AdminFrontend(ApiKeys apiKeys, Users users, AuditLog audit, LogLevels logLevels) {
    this.logLevels = logLevels;
    this.apiKeys = apiKeys;
    this.users = users;
    this.audit = audit;
  }

  public ServerServiceDefinition bindService() {
    return ServerServiceDefinition.builder(AdminApi.SERVICE)
        .addMethod(AdminApi.CREATE_API_KEY, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              Principal caller = AuthInterceptor.current();
              String owner = !req.getOwner().isBlank() ? req.getOwner()
                  : caller == null ? "" : caller.subject();
              Instant expires = req.hasExpireTime()
                  ? Instant.ofEpochSecond(req.getExpireTime().getSeconds(), req.getExpireTime().getNanos())
                  : null;
              ApiKeys.Created created =
                  apiKeys.create(req.getName(), owner, req.getRolesList(), expires);
              return CreateApiKeyResponse.newBuilder()
                  .setApiKey(toProto(created.record())).setKey(created.key()).build();
            })))
        .addMethod(AdminApi.LIST_API_KEYS, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              ListApiKeysResponse.Builder b = ListApiKeysResponse.newBuilder();
              apiKeys.list().forEach(k -> b.addApiKeys(toProto(k)));
              return b.build();
            })))
        .addMethod(AdminApi.REVOKE_API_KEY, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              if (req.getId().isBlank()) {
                throw new IllegalArgumentException("id is required (the key's id or name)");
              }
              return RevokeApiKeyResponse.newBuilder()
                  .setApiKey(toProto(apiKeys.revoke(req.getId()))).build();
            })))
        .addMethod(AdminApi.CREATE_USER, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> CreateUserResponse.newBuilder().setUser(toProto(users.create(
                req.getName(), req.getRolesList(), req.getPassword().toCharArray()))).build())))
        .addMethod(AdminApi.LIST_USERS, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              ListUsersResponse.Builder b = ListUsersResponse.newBuilder();
              users.list().forEach(u -> b.addUsers(toProto(u)));
              return b.build();
            })))
        .addMethod(AdminApi.DELETE_USER, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              users.delete(req.getName());
              return DeleteUserResponse.getDefaultInstance();
            })))
        .addMethod(AdminApi.LIST_AUDIT_RECORDS, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> listAudit(req))))
        .addMethod(AdminApi.GET_LOG_LEVEL, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              LogLevels.Level l = logLevels().get(req.getLogger());
              return GetLogLevelResponse.newBuilder().setLogger(l.logger()).setLevel(l.level())
                  .setEffectiveLevel(l.effective()).build();
            })))
        .addMethod(AdminApi.SET_LOG_LEVEL, ServerCalls.asyncUnaryCall((req, out) ->
            reply(out, () -> {
              LogLevels.Level l = logLevels().set(req.getLogger(), req.getLevel());
              return SetLogLevelResponse.newBuilder().setLogger(l.logger()).setLevel(l.level())
                  .setEffectiveLevel(l.effective()).build();
            })))
        .build();
  }

  private LogLevels logLevels() {
    if (logLevels == null) {
      throw Status.UNIMPLEMENTED.withDescription("log levels are managed by the application that"
          + " embeds this server, not through Sundial").asRuntimeException();
    }
    return logLevels;
  }

  private ListAuditRecordsResponse listAudit(ListAuditRecordsRequest req) {
    int size = req.getPageSize() <= 0 ? 100 : Math.min(req.getPageSize(), MAX_PAGE);
    long before = 0;
    if (!req.getNextPageToken().isEmpty()) {
      try {
        before = Long.parseLong(req.getNextPageToken().toStringUtf8());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("next_page_token is not one this server gave");
      }
    }
    List<AuditRecord> records = audit.list(new AuditQuery(
        req.hasStartTime() ? Timestamps.toMillis(req.getStartTime()) : null,
        req.hasEndTime() ? Timestamps.toMillis(req.getEndTime()) : null,
        blankToNull(req.getPrincipal()), blankToNull(req.getNamespace()),
        blankToNull(req.getOperation()), blankToNull(req.getTarget()), before, size + 1));
    ListAuditRecordsResponse.Builder b = ListAuditRecordsResponse.newBuilder();
    for (AuditRecord r : records.subList(0, Math.min(size, records.size()))) {
      var p = dev.sundial.server.admin.proto.AuditRecord.newBuilder()
          .setId(r.id()).setTime(millis(r.time())).setPrincipal(r.principal())
          .setAuthType(r.authType()).setSource(r.source()).setTransport(r.transport())
          .setNamespace(r.namespace()).setOperation(r.operation()).setTarget(r.target())
          .setRequestId(r.requestId()).setOutcome(r.outcome());
      if (r.message() != null) p.setMessage(r.message());
      b.addRecords(p);
    }
    if (records.size() > size) {
      b.setNextPageToken(ByteString.copyFromUtf8(Long.toString(records.get(size - 1).id())));
    }
    return b.build();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static User toProto(UserRecord u) {
    return User.newBuilder().setName(u.name())
        .addAllRoles(Grants.parseStored(u.roles()).texts())
        .setCreateTime(millis(u.createdAt())).build();
  }

  static ApiKey toProto(ApiKeyRecord r) {
    ApiKey.Builder b = ApiKey.newBuilder()
        .setId(r.id()).setName(r.name()).setOwner(r.owner())
        .addAllRoles(Grants.parseStored(r.roles()).texts())
        .setCreateTime(millis(r.createdAt()));
    if (r.expiresAt() != null) b.setExpireTime(millis(r.expiresAt()));
    if (r.revokedAt() != null) b.setRevokeTime(millis(r.revokedAt()));
    return b.build();
  }

  private static Timestamp millis(long epochMillis) {
    return Timestamps.fromMillis(epochMillis);
  }

  private static <T> void reply(StreamObserver<T> out, Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (ApiKeys.NotFoundException | Users.NotFoundException e) {
      out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }
}
