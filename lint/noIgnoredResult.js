// @ts-check
/**
 * `baton/no-ignored-result`: a neverthrow `Result` or `ResultAsync` whose value is thrown away.
 *
 * Why a rule of our own: `@typescript-eslint/no-floating-promises` sees a `ResultAsync` (it is a
 * thenable) but not a synchronous `Result`, and not `await resultAsync;` (awaited, then dropped: the
 * Err is lost just the same). The published neverthrow plugins demand `match`/`unwrapOr` at every use
 * and flag `yield*` inside `safeTry` and a Result passed to a function, which is how this code base
 * composes. This rule asks one thing only: a statement must not discard a Result.
 *
 * A Result whose error type is `never` is exempt: there is no Err to lose.
 * It looks at expression statements (after `await` and `void`, which discard all the same) and at
 * the element types of an awaited tuple or array (`await Promise.all([a(), b()])`).
 */

const RESULT_TYPES = new Set(['Ok', 'Err', 'ResultAsync']);

/** @param {import('typescript').Type} type */
function isFromNeverthrow(type) {
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (!symbol || !RESULT_TYPES.has(symbol.getName())) return false;
  return (symbol.getDeclarations() ?? []).some((d) => /[\\/]neverthrow[\\/]/.test(d.getSourceFile().fileName));
}

/**
 * `Result<T, never>` cannot hold an Err, so dropping it loses nothing (`okAsync(undefined)`).
 * @param {import('typescript').TypeChecker} checker
 * @param {import('typescript').Type} type
 */
function errorIsNever(checker, type) {
  const args = checker.getTypeArguments(/** @type {import('typescript').TypeReference} */ (type));
  const error = args[1];
  return error !== undefined && (error.flags & 131072) !== 0; // ts.TypeFlags.Never
}

/**
 * @param {import('typescript').TypeChecker} checker
 * @param {import('typescript').Type} type
 * @param {number} depth
 * @returns {boolean}
 */
function containsResult(checker, type, depth = 0) {
  if (depth > 3) return false;
  if (type.isUnion()) return type.types.some((t) => containsResult(checker, t, depth + 1));
  if (isFromNeverthrow(type)) return !errorIsNever(checker, type);
  if (checker.isTupleType(type) || checker.isArrayType(type)) {
    return checker.getTypeArguments(/** @type {import('typescript').TypeReference} */ (type)).some((t) => containsResult(checker, t, depth + 1));
  }
  return false;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noIgnoredResult = {
  meta: {
    type: 'problem',
    docs: { description: 'A neverthrow Result or ResultAsync must be used: returned, yielded, matched, checked or passed on, never dropped.' },
    messages: {
      ignored: 'This {{what}} is discarded: its Err would be lost. Return it, `yield*` it in safeTry, or handle the error.',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program || !services.esTreeNodeToTSNodeMap) {
      throw new Error('baton/no-ignored-result needs type information (parserOptions.projectService)');
    }
    const checker = services.program.getTypeChecker();
    /** @param {any} node */
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    return {
      /** @param {any} statement */
      ExpressionStatement(statement) {
        let expr = statement.expression;
        while (expr.type === 'UnaryExpression' && expr.operator === 'void') expr = expr.argument;
        if (expr.type === 'AssignmentExpression') return;
        // For `await x` the checker already gives the awaited type.
        if (containsResult(checker, typeOf(expr))) {
          context.report({ node: statement, messageId: 'ignored', data: { what: expr.type === 'AwaitExpression' ? 'awaited Result' : 'Result' } });
        }
      },
    };
  },
};
