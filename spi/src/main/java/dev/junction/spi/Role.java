package dev.junction.spi;

/** The author of a chat message. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL
}
