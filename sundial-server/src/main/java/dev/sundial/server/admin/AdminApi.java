package dev.sundial.server.admin;

import com.google.protobuf.Message;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.CreateApiKeyResponse;
import dev.sundial.server.admin.proto.CreateUserRequest;
import dev.sundial.server.admin.proto.CreateUserResponse;
import dev.sundial.server.admin.proto.DeleteUserRequest;
import dev.sundial.server.admin.proto.DeleteUserResponse;
import dev.sundial.server.admin.proto.GetLogLevelRequest;
import dev.sundial.server.admin.proto.GetLogLevelResponse;
import dev.sundial.server.admin.proto.ListApiKeysRequest;
import dev.sundial.server.admin.proto.ListApiKeysResponse;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import dev.sundial.server.admin.proto.ListAuditRecordsResponse;
import dev.sundial.server.admin.proto.ListUsersRequest;
import dev.sundial.server.admin.proto.ListUsersResponse;
import dev.sundial.server.admin.proto.RevokeApiKeyRequest;
import dev.sundial.server.admin.proto.RevokeApiKeyResponse;
import dev.sundial.server.admin.proto.SetLogLevelRequest;
import dev.sundial.server.admin.proto.SetLogLevelResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

/**
 * The methods of Sundial's administration service ({@code sundial/admin/v1/admin.proto}), shared
 * by the server and its clients (the CLI): API keys, web UI users and the audit log. Every method
 * needs the system admin role but ListAuditRecords, which needs the system read role.
 */
public final class AdminApi {
  public static final String SERVICE = "sundial.admin.v1.AdminService";

  public static final MethodDescriptor<CreateApiKeyRequest, CreateApiKeyResponse> CREATE_API_KEY =
      method("CreateApiKey", CreateApiKeyRequest.getDefaultInstance(),
          CreateApiKeyResponse.getDefaultInstance());
  public static final MethodDescriptor<ListApiKeysRequest, ListApiKeysResponse> LIST_API_KEYS =
      method("ListApiKeys", ListApiKeysRequest.getDefaultInstance(),
          ListApiKeysResponse.getDefaultInstance());
  public static final MethodDescriptor<RevokeApiKeyRequest, RevokeApiKeyResponse> REVOKE_API_KEY =
      method("RevokeApiKey", RevokeApiKeyRequest.getDefaultInstance(),
          RevokeApiKeyResponse.getDefaultInstance());

  public static final MethodDescriptor<CreateUserRequest, CreateUserResponse> CREATE_USER =
      method("CreateUser", CreateUserRequest.getDefaultInstance(),
          CreateUserResponse.getDefaultInstance());
  public static final MethodDescriptor<ListUsersRequest, ListUsersResponse> LIST_USERS =
      method("ListUsers", ListUsersRequest.getDefaultInstance(),
          ListUsersResponse.getDefaultInstance());
  public static final MethodDescriptor<DeleteUserRequest, DeleteUserResponse> DELETE_USER =
      method("DeleteUser", DeleteUserRequest.getDefaultInstance(),
          DeleteUserResponse.getDefaultInstance());

  public static final MethodDescriptor<ListAuditRecordsRequest, ListAuditRecordsResponse>
      LIST_AUDIT_RECORDS = method("ListAuditRecords", ListAuditRecordsRequest.getDefaultInstance(),
          ListAuditRecordsResponse.getDefaultInstance());

  public static final MethodDescriptor<GetLogLevelRequest, GetLogLevelResponse> GET_LOG_LEVEL =
      method("GetLogLevel", GetLogLevelRequest.getDefaultInstance(),
          GetLogLevelResponse.getDefaultInstance());

  public static final MethodDescriptor<SetLogLevelRequest, SetLogLevelResponse> SET_LOG_LEVEL =
      method("SetLogLevel", SetLogLevelRequest.getDefaultInstance(),
          SetLogLevelResponse.getDefaultInstance());

  private AdminApi() {}

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(
      String name, Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
