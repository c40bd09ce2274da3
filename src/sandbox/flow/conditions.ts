import type { FlowAction } from './types';

function toNumber(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * One Condition against a value. Text operators compare exactly (case-sensitive); number operators
 * are false when either side is not a number, and a missing value matches nothing.
 */
export function conditionHolds(operator: string, value: string | undefined, operand: string): boolean {
  if (value === undefined) return false;
  switch (operator) {
    case 'Equals': return value === operand;
    case 'TextContains': return value.includes(operand);
    case 'TextStartsWith': return value.startsWith(operand);
    case 'TextEndsWith': return value.endsWith(operand);
    default: {
      const a = toNumber(value);
      const b = toNumber(operand);
      if (a === undefined || b === undefined) return false;
      switch (operator) {
        case 'NumberGreaterThan': return a > b;
        case 'NumberGreaterOrEqualTo': return a >= b;
        case 'NumberLessThan':
        case 'NumericLessThan': // the DistributeByPercentage page spells it this way
          return a < b;
        case 'NumberLessOrEqualTo': return a <= b;
        default: return false;
      }
    }
  }
}

/** Index of the first condition (in flow order) that holds for the value, or -1. */
export function firstMatchingCondition(action: FlowAction, value: string | undefined): number {
  return action.Transitions.Conditions.findIndex((c) =>
    c.Condition.Operands.some((operand) => conditionHolds(c.Condition.Operator, value, operand)),
  );
}
