import {
  ActorType,
  ApiScope,
  Channel,
  ComplianceKind,
  ComplianceStatus,
  FeedbackKind,
  MessageAuthor,
  Priority,
  Role,
  SettlementDirection,
  SettlementStatus,
  TicketStatus,
} from "../generated/prisma/index.js";
import { builder } from "./builder.js";

export const RoleEnum = builder.enumType(Role, { name: "Role" });
export const ApiScopeEnum = builder.enumType(ApiScope, { name: "ApiScope" });
export const TicketStatusEnum = builder.enumType(TicketStatus, { name: "TicketStatus" });
export const PriorityEnum = builder.enumType(Priority, { name: "Priority" });
export const ChannelEnum = builder.enumType(Channel, { name: "Channel" });
export const MessageAuthorEnum = builder.enumType(MessageAuthor, { name: "MessageAuthor" });
export const FeedbackKindEnum = builder.enumType(FeedbackKind, { name: "FeedbackKind" });
export const ComplianceKindEnum = builder.enumType(ComplianceKind, { name: "ComplianceKind" });
export const ComplianceStatusEnum = builder.enumType(ComplianceStatus, { name: "ComplianceStatus" });
export const SettlementDirectionEnum = builder.enumType(SettlementDirection, { name: "SettlementDirection" });
export const SettlementStatusEnum = builder.enumType(SettlementStatus, { name: "SettlementStatus" });
export const ActorTypeEnum = builder.enumType(ActorType, { name: "ActorType" });
