import { Container } from 'inversify';

/**
 * The composition root's container. Singleton by default: adapters hold clients and caches
 * that must live as long as the Lambda container, not one resolution.
 */
export function newContainer(): Container {
  return new Container({ defaultScope: 'Singleton' });
}
