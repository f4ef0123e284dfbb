package dev.governor.knowledge.model;

/** What an operator may do. Admin implies all the others. */
public enum Role {
  VIEWER,
  APPROVER,
  AUTHOR,
  ADMIN
}
