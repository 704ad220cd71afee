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
import { byName } from './byName.js';
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
    const deps = {
      mappings: Callbacks.Mappings,
      workerInstances: ExecutionWork.WorkerInstances,
      clock: Platform.Clock,
      log: Platform.Log,
      metrics: Platform.Metrics,
    };
    bind(ExecutionWork.StopExecutionWork).toResolvedValue(
      ...(options.withRunPod
        ? byName({ ...deps, gpuJobs: Callbacks.GpuJobs }, (d) => new StopExecutionWork(d))
        : byName(deps, (d) => new StopExecutionWork(d))),
    );
  });
}

export function sweepWorkerInstancesModule(settings: SweepSettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ExecutionWork.SweepWorkerInstances).toResolvedValue(
      ...byName(
        {
          workerInstances: ExecutionWork.WorkerInstances,
          executions: ExecutionWork.Executions,
          clock: Platform.Clock,
          log: Platform.Log,
          metrics: Platform.Metrics,
        },
        (deps) => new SweepWorkerInstances(deps, settings),
      ),
    );
  });
}
