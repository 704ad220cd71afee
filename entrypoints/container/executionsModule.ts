import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { Ec2WorkerInstances } from '../../adapters/ec2/Ec2WorkerInstances.js';
import { StepFunctionsExecutions } from '../../adapters/stepfunctions/StepFunctionsExecutions.js';
import { StopExecutionWork } from '../../application/executions/StopExecutionWork.js';
import { SweepWorkerInstances, type SweepSettings } from '../../application/executions/SweepWorkerInstances.js';
import type { Executions } from '../../application/ports/Executions.js';
import type { WorkerInstances } from '../../application/ports/WorkerInstances.js';
import { ec2Client } from '../aws/ec2Client.js';
import { sfnClient } from '../aws/sfnClient.js';
import { Callbacks } from './callbacksModule.js';
import { Platform } from './platformModule.js';

/** Service identifiers of the "no paid compute outlives its execution" handlers. */
export const ExecutionWork = {
  WorkerInstances: Symbol.for('baton.WorkerInstances') as ServiceIdentifier<WorkerInstances>,
  Executions: Symbol.for('baton.Executions') as ServiceIdentifier<Executions>,
  StopExecutionWork: Symbol.for('baton.StopExecutionWork') as ServiceIdentifier<StopExecutionWork>,
  SweepWorkerInstances: Symbol.for('baton.SweepWorkerInstances') as ServiceIdentifier<SweepWorkerInstances>,
} as const;

/** Worker instances through EC2 (DescribeInstances by tag, TerminateInstances). */
export function awsWorkerInstancesModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ExecutionWork.WorkerInstances).toResolvedValue(() => new Ec2WorkerInstances(ec2Client()));
  });
}

/** Executions through Step Functions (DescribeExecution). */
export function awsExecutionsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ExecutionWork.Executions).toResolvedValue(() => new StepFunctionsExecutions(sfnClient()));
  });
}

/**
 * StopExecutionWork over the bound callbacks table and worker instances; with `withRunPod`,
 * it also cancels RunPod jobs through the bound `GpuJobs`.
 */
export function stopExecutionWorkModule(options: { readonly withRunPod: boolean }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (options.withRunPod) {
      bind(ExecutionWork.StopExecutionWork).toResolvedValue(
        (mappings, gpuJobs, workers, clock, log, metrics) => new StopExecutionWork(mappings, gpuJobs, workers, clock, log, metrics),
        [Callbacks.Mappings, Callbacks.GpuJobs, ExecutionWork.WorkerInstances, Platform.Clock, Platform.Log, Platform.Metrics],
      );
      return;
    }
    bind(ExecutionWork.StopExecutionWork).toResolvedValue(
      (mappings, workers, clock, log, metrics) => new StopExecutionWork(mappings, undefined, workers, clock, log, metrics),
      [Callbacks.Mappings, ExecutionWork.WorkerInstances, Platform.Clock, Platform.Log, Platform.Metrics],
    );
  });
}

export function sweepWorkerInstancesModule(settings: SweepSettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ExecutionWork.SweepWorkerInstances).toResolvedValue(
      (workers, executions, clock, log, metrics) => new SweepWorkerInstances(workers, executions, clock, log, metrics, settings),
      [ExecutionWork.WorkerInstances, ExecutionWork.Executions, Platform.Clock, Platform.Log, Platform.Metrics],
    );
  });
}
