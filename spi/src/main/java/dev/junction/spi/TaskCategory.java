package dev.junction.spi;

/** The kind of task a prompt asks for; model quality scores are given per category. */
public enum TaskCategory {
    GENERAL, CODING, MATH, REASONING, MULTILINGUAL, LONG_CONTEXT
}
